using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// The memory floor of batch-1 inference: one pass that reads every parameter of a benchmark model once (a sum with
    /// eight vector accumulators: the matrix-vector kernel's loads without its other work). A batch-1
    /// <c>Infer1</c> of the same model cannot beat this time; the GB/s column shows where the parameters live (L2 up to
    /// 512 KB per core here, L3 beyond).
    /// </summary>
    public class WeightStreamBenchmarks : IByteCount
    {
        [Params(ModelShapes.Tiny, ModelShapes.Small, ModelShapes.Mnist, ModelShapes.Large)]
        public string Model { get; set; } = ModelShapes.Tiny;

        private float[] _weights = null!;

        [GlobalSetup]
        public void Setup()
        {
            _weights = ModelShapes.Build(Model).Parameters.ToArray();
        }

        [Benchmark]
        public float ReadAllWeights() => Sum(_weights);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static float Sum(float[] data)
        {
            ref float p = ref MemoryMarshal.GetArrayDataReference(data);
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            int i = 0, n = data.Length;
            for (; i <= n - 64; i += 64)
            {
                s0 += Vector256.LoadUnsafe(ref p, (nuint)i);
                s1 += Vector256.LoadUnsafe(ref p, (nuint)(i + 8));
                s2 += Vector256.LoadUnsafe(ref p, (nuint)(i + 16));
                s3 += Vector256.LoadUnsafe(ref p, (nuint)(i + 24));
                s4 += Vector256.LoadUnsafe(ref p, (nuint)(i + 32));
                s5 += Vector256.LoadUnsafe(ref p, (nuint)(i + 40));
                s6 += Vector256.LoadUnsafe(ref p, (nuint)(i + 48));
                s7 += Vector256.LoadUnsafe(ref p, (nuint)(i + 56));
            }
            float sum = Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
            for (; i < n; i++) sum += Unsafe.Add(ref p, i);
            return sum;
        }

        public double Bytes(string method, IReadOnlyDictionary<string, object> parameters) =>
            4.0 * ModelShapes.Build((string)parameters[nameof(Model)]).ParameterCount;
    }
}
