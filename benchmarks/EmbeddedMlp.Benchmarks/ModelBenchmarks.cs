using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// Train step (forward + softmax cross-entropy + backward + Adam) at the model's training batch, and inference at
    /// batch 1 and at the training batch, for the four MLPs; each against the naive scalar baseline in the same run.
    /// </summary>
    public class ModelBenchmarks : IFlopCount
    {
        [Params(ModelShapes.Tiny, ModelShapes.Small, ModelShapes.Mnist, ModelShapes.Large)]
        public string Model { get; set; } = ModelShapes.Tiny;

        private Mlp _mlp = null!;
        private Trainer _trainer = null!;
        private NaiveMlp _naive = null!;
        private float[] _x = null!, _out = null!;
        private int[] _classes = null!;
        private int _batch;

        [GlobalSetup]
        public void Setup()
        {
            _batch = ModelShapes.TrainBatch(Model);
            _mlp = ModelShapes.Build(Model);
            _trainer = new Trainer(_mlp, new TrainerOptions { MaxBatch = _batch });
            _naive = new NaiveMlp(ModelShapes.Widths(Model), _batch, _mlp);
            var rng = new Random(7);
            _x = new float[_batch * _mlp.InputCount];
            for (int i = 0; i < _x.Length; i++) _x[i] = (float)rng.NextDouble();
            _classes = new int[_batch];
            for (int i = 0; i < _batch; i++) _classes[i] = rng.Next(_mlp.OutputCount);
            _out = new float[_batch * _mlp.OutputCount];
        }

        [Benchmark(Baseline = true), BenchmarkCategory("Train")]
        public float NaiveTrain() => _naive.Step(_x, _classes, _batch);

        [Benchmark, BenchmarkCategory("Train")]
        public float Train() => _trainer.Step(_x, _classes).Loss;

        [Benchmark(Baseline = true), BenchmarkCategory("Infer1")]
        public void NaiveInfer1() => _naive.Predict(_x, 1, _out);

        [Benchmark, BenchmarkCategory("Infer1")]
        public void Infer1() => _mlp.Predict(_x.AsSpan(0, _mlp.InputCount), _out.AsSpan(0, _mlp.OutputCount));

        [Benchmark(Baseline = true), BenchmarkCategory("InferBatch")]
        public void NaiveInferBatch() => _naive.Predict(_x, _batch, _out);

        [Benchmark, BenchmarkCategory("InferBatch")]
        public void InferBatch() => _mlp.Predict(_x, _out);

        public double Flops(string method, IReadOnlyDictionary<string, object> parameters)
        {
            string model = (string)parameters[nameof(Model)];
            double forward = 2 * ModelShapes.ForwardMacs(model);
            int batch = ModelShapes.TrainBatch(model);
            if (method.EndsWith("Train", StringComparison.Ordinal)) return 3 * forward * batch;
            if (method.EndsWith("Infer1", StringComparison.Ordinal)) return forward;
            return forward * batch;
        }
    }
}
