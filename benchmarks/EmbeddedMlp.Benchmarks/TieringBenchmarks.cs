using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// The runtime's default settings (tiered compilation, dynamic PGO) against everything compiled fully optimised up
    /// front (<c>DOTNET_TieredCompilation=0</c>, the baseline job) in one run: the training step and one-row inference
    /// of the four reference models. A ratio near 1 means nothing on these paths is left at a lower tier or slowed by
    /// tiering in steady state. (First calls are measured by <c>samples/FrameBudget --cold</c>.)
    /// </summary>
    [Config(typeof(TieringConfig))]
    public class TieringBenchmarks : IFlopCount
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

    /// <summary>Two jobs, "Tiered" (default settings) and "TieredOff" (<c>DOTNET_TieredCompilation=0</c>, the baseline); a row pair per method and model.</summary>
    public sealed class TieringConfig : ManualConfig
    {
        public TieringConfig()
        {
            Job basis = Job.Default.WithWarmupCount(8).WithIterationCount(15);
            AddJob(basis.WithId("Tiered"));
            AddJob(basis.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0")).WithId("TieredOff").AsBaseline());
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByMethod, BenchmarkLogicalGroupRule.ByParams);
        }
    }
}
