using System;
using BenchmarkDotNet.Attributes;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>One training step and one inference of the 32-64-64-4 game-sized model.</summary>
    [MemoryDiagnoser]
    public class TrainStepBenchmarks
    {
        private Mlp _model = null!;
        private Trainer _trainer = null!;
        private float[] _x = null!, _y1 = null!, _yb = null!;
        private int[] _labels = null!;

        [GlobalSetup]
        public void Setup()
        {
            _model = new Mlp(32, new[] { new LayerSpec(64, Activation.Relu), new LayerSpec(64, Activation.Relu), new LayerSpec(4, Activation.Softmax) }, 1);
            _trainer = new Trainer(_model, new TrainerOptions { MaxBatch = 32 });
            var rng = new Random(1);
            _x = new float[32 * 32];
            for (int i = 0; i < _x.Length; i++) _x[i] = (float)rng.NextDouble();
            _labels = new int[32];
            for (int i = 0; i < 32; i++) _labels[i] = i % 4;
            _y1 = new float[4];
            _yb = new float[32 * 4];
        }

        [Benchmark]
        public float TrainStep32() => _trainer.Step(_x, _labels).Loss;

        [Benchmark]
        public void PredictBatch1() => _model.Predict(_x.AsSpan(0, 32), _y1);

        [Benchmark]
        public void PredictBatch32() => _model.Predict(_x, _yb);
    }
}
