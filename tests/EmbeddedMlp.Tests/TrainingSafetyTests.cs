using System;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>Non-finite steps leave the weights alone; clipping follows <c>clip_grad_norm_</c>.</summary>
    [TestFixture]
    public class TrainingSafetyTests
    {
        [Test]
        public void NaNInputSkipsTheStepAndKeepsWeightsBitForBit()
        {
            var model = new Mlp(3, new[] { new LayerSpec(8, Activation.Relu), new LayerSpec(2, Activation.Softmax) }, 5);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 2, Optimizer = OptimizerSettings.Adam(0.1f) });
            float[] before = model.Parameters.ToArray();
            StepResult r = trainer.Step(new[] { 1f, float.NaN, 0f, 0.5f, 0.5f, 0.5f }, new[] { 0, 1 });
            Assert.That(r.Status, Is.EqualTo(StepStatus.SkippedNonFiniteLoss));
            Assert.That(r.Applied, Is.False);
            Assert.That(float.IsNaN(r.Loss), Is.True);
            Assert.That(model.Parameters.ToArray(), Is.EqualTo(before));
            Assert.That(trainer.StepCount, Is.EqualTo(0));
            // The trainer is still usable.
            Assert.That(trainer.Step(new[] { 1f, 0f, 0f, 0.5f, 0.5f, 0.5f }, new[] { 0, 1 }).Applied, Is.True);
            Assert.That(trainer.StepCount, Is.EqualTo(1));
        }

        [Test]
        public void OverflowingGradientWithFiniteLossSkipsTheStep()
        {
            // y = w·x with x = 3e38, w = 1/3e38: y ≈ 1, loss ≈ 1 is finite but ∇w = 2(y − 0)·x overflows float.
            var model = new Mlp(1, new[] { new LayerSpec(1, Activation.Identity, bias: false) }, 0);
            model.Parameters[0] = 1f / 3e38f;
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 1, Optimizer = OptimizerSettings.Sgd(0.1f) });
            StepResult r = trainer.Step(new[] { 3e38f }, new[] { 0f });
            Assert.That(float.IsNaN(r.Loss) || float.IsInfinity(r.Loss), Is.False);
            Assert.That(r.Status, Is.EqualTo(StepStatus.SkippedNonFiniteGradient));
            Assert.That(model.Parameters[0], Is.EqualTo(1f / 3e38f));
        }

        [Test]
        public void ClippingScalesTheGradientToMaxNormLikeClipGradNorm()
        {
            var rng = new Random(3);
            var model = new Mlp(4, new[] { new LayerSpec(5, Activation.Tanh), new LayerSpec(3, Activation.Identity) }, 9);
            float[] x = TestData.Uniform(rng, 2 * 4, -3, 3), t = TestData.Uniform(rng, 2 * 3, -5, 5);
            var probe = new Trainer(model, new TrainerOptions { MaxBatch = 2 });
            probe.ComputeGradients(x, t);
            double[] g = TestData.ToDouble(probe.Gradients);
            double norm = 0;
            foreach (double v in g) norm += v * v;
            norm = Math.Sqrt(norm);
            const float maxNorm = 0.5f;
            Assert.That(norm, Is.GreaterThan(2 * maxNorm), "the test needs a gradient above the threshold");

            float[] before = model.Parameters.ToArray();
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 2, ClipNorm = maxNorm, Optimizer = OptimizerSettings.Sgd(1f) });
            StepResult r = trainer.Step(x, t);
            Assert.That(r.GradientNorm, Is.EqualTo(norm).Within(1e-5 * norm));
            double coef = maxNorm / (norm + 1e-6);
            for (int i = 0; i < before.Length; i++)
                Assert.That(model.Parameters[i], Is.EqualTo(before[i] - coef * g[i]).Within(1e-6), $"parameter {i}");
        }

        [Test]
        public void ClippingLeavesSmallGradientsAlone()
        {
            var model = new Mlp(1, new[] { new LayerSpec(1, Activation.Identity, bias: false) }, 0);
            model.Parameters[0] = 1f;
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 1, ClipNorm = 10f, Optimizer = OptimizerSettings.Sgd(0.1f) });
            trainer.Step(new[] { 1f }, new[] { 0f }); // g = 2·1·1 = 2 < 10
            Assert.That(model.Parameters[0], Is.EqualTo(0.8f).Within(1e-7f));
        }
    }
}
