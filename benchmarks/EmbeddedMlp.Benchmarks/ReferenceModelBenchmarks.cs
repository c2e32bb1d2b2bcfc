using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// The training step (softmax cross-entropy, Adam) and one-row inference of the four reference models: the pair of
    /// measurements that <see cref="TieringBenchmarks"/> and <see cref="DeterminismBenchmarks"/> run under two jobs each.
    /// </summary>
    public abstract class ReferenceModelBenchmarks : IFlopCount
    {
        [Params(ModelShapes.Tiny, ModelShapes.Small, ModelShapes.Mnist, ModelShapes.Large)]
        public string Model { get; set; } = ModelShapes.Tiny;

        private Mlp _mlp = null!;
        private Trainer _trainer = null!;
        private float[] _x = null!, _out = null!;
        private int[] _classes = null!;

        [GlobalSetup]
        public void Setup()
        {
            int batch = ModelShapes.TrainBatch(Model);
            _mlp = ModelShapes.Build(Model);
            _trainer = new Trainer(_mlp, new TrainerOptions { MaxBatch = batch });
            var rng = new Random(7);
            _x = new float[batch * _mlp.InputCount];
            for (int i = 0; i < _x.Length; i++) _x[i] = (float)rng.NextDouble();
            _classes = new int[batch];
            for (int i = 0; i < batch; i++) _classes[i] = rng.Next(_mlp.OutputCount);
            _out = new float[_mlp.OutputCount];
        }

        [Benchmark]
        public float Train() => _trainer.Step(_x, _classes).Loss;

        [Benchmark]
        public void Infer1() => _mlp.Predict(_x.AsSpan(0, _mlp.InputCount), _out);

        public double Flops(string method, IReadOnlyDictionary<string, object> parameters)
        {
            string model = (string)parameters[nameof(Model)];
            double forward = 2 * ModelShapes.ForwardMacs(model);
            return method == nameof(Train) ? 3 * forward * ModelShapes.TrainBatch(model) : forward;
        }
    }

}
