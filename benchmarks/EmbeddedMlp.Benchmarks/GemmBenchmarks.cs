using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// The three products alone, by shape "op m×n×k" (the shapes of the benchmark models' layers: forward NT with
    /// m = batch, weight gradient TN with m = units, n = fan-in, k = batch, input gradient NN with k = units).
    /// </summary>
    public class GemmBenchmarks : IFlopCount
    {
        [Params("NT 32x64x64", "TN 64x64x32", "NN 32x64x64",
            "NT 64x128x128", "TN 128x128x64", "NN 64x128x128",
            "NT 128x256x784", "TN 256x784x128", "NN 128x784x256",
            "NT 256x1024x1024", "TN 1024x1024x256", "NN 256x1024x1024",
            "NT 1x1024x1024", "NT 1x256x784")]
        public string Shape { get; set; } = "NT 32x64x64";

        private float[] _a = null!, _b = null!, _c = null!;
        private int _m, _n, _k;
        private string _op = "NT";

        private static (string op, int m, int n, int k) Parse(string shape)
        {
            string[] parts = shape.Split(' ');
            string[] dims = parts[1].Split('x');
            return (parts[0], int.Parse(dims[0], CultureInfo.InvariantCulture), int.Parse(dims[1], CultureInfo.InvariantCulture),
                int.Parse(dims[2], CultureInfo.InvariantCulture));
        }

        [GlobalSetup]
        public void Setup()
        {
            (_op, _m, _n, _k) = Parse(Shape);
            var rng = new Random(3);
            _a = new float[_m * _k]; _b = new float[_n * _k]; _c = new float[_m * _n];
            for (int i = 0; i < _a.Length; i++) _a[i] = (float)rng.NextDouble() - 0.5f;
            for (int i = 0; i < _b.Length; i++) _b[i] = (float)rng.NextDouble() - 0.5f;
        }

        [Benchmark]
        public void Product()
        {
            switch (_op)
            {
                case "NT": Gemm.NT(_a, _b, _c, _m, _n, _k, false); break;
                case "TN": Gemm.TN(_a, _b, _c, _m, _n, _k, false); break;
                default: Gemm.NN(_a, _b, _c, _m, _n, _k, false); break;
            }
        }

        public double Flops(string method, IReadOnlyDictionary<string, object> parameters)
        {
            var (_, m, n, k) = Parse((string)parameters[nameof(Shape)]);
            return 2.0 * m * n * k;
        }
    }
}
