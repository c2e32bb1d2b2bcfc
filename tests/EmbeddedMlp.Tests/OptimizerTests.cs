using System;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>
    /// Two-step trajectories on a tiny model worked out by hand (and with a double-precision script of the
    /// <c>torch.optim</c> update rules): model y = w·x + b with w = [0.5, −0.25], b = 0.1, one sample x = [1, 2],
    /// target 1, MSE loss (y − t)², so ∇w = 2(y − t)·x and ∇b = 2(y − t).
    /// </summary>
    [TestFixture]
    public class OptimizerTests
    {
        private static readonly float[] X = { 1f, 2f };
        private static readonly float[] T = { 1f };

        private static float[] TwoSteps(OptimizerSettings settings)
        {
            var model = new Mlp(2, new[] { new LayerSpec(1, Activation.Identity) }, 0);
            model.Parameters[0] = 0.5f;
            model.Parameters[1] = -0.25f;
            model.Parameters[2] = 0.1f;
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 1, Optimizer = settings });
            for (int i = 0; i < 2; i++)
                Assert.That(trainer.Step(X, T).Status, Is.EqualTo(StepStatus.Applied));
            Assert.That(trainer.StepCount, Is.EqualTo(2));
            return model.Parameters.ToArray();
        }

        [Test]
        public void DoubleSquareRootOfAFloatRoundsToTheFloatSquareRoot()
        {
            // The netstandard2.1 build computes Adam's √v as (float)Math.Sqrt(v) (ScalarMath.Sqrt: faster on Mono); it must
            // equal the correctly rounded float square root, so both builds give identical parameters. This checks that
            // fact here; the netstandard branch of ScalarMath itself runs in the Mono smoke test (.ci/mono-smoke).
            var rng = new Random(11);
            var bits = new byte[4];
            int checkedCount = 0;
            string? firstMismatch = null;
            for (int i = 0; i < 1_000_000; i++)
            {
                rng.NextBytes(bits);
                float v = Math.Abs(BitConverter.ToSingle(bits, 0));
                if (float.IsNaN(v) || float.IsInfinity(v)) continue;
                checkedCount++;
                if ((float)Math.Sqrt(v) != MathF.Sqrt(v) && firstMismatch == null)
                    firstMismatch = $"v = {v:R}: {(float)Math.Sqrt(v):R} vs {MathF.Sqrt(v):R}";
            }
            Assert.That(firstMismatch, Is.Null);
            Assert.That(checkedCount, Is.GreaterThan(990_000));
        }

        [Test]
        public void SgdMomentum()
        {
            // Step 1: y = 0.1, e = −0.9, g = (−1.8, −3.6, −1.8); buf = g; p = (0.68, 0.11, 0.28).
            // Step 2: y = 1.18, e = 0.18, g = (0.36, 0.72, 0.36); buf = 0.9·buf + g = (−1.26, −2.52, −1.26);
            //         p −= 0.1·buf → (0.806, 0.362, 0.406).
            float[] p = TwoSteps(OptimizerSettings.Sgd(0.1f, momentum: 0.9f));
            Assert.That(p, Is.EqualTo(new[] { 0.806f, 0.362f, 0.406f }).Within(1e-5f));
        }

        [Test]
        public void PlainSgd()
        {
            // Step 1 as above: p = (0.68, 0.11, 0.28). Step 2: g = (0.36, 0.72, 0.36), p −= 0.1·g → (0.644, 0.038, 0.244).
            float[] p = TwoSteps(OptimizerSettings.Sgd(0.1f));
            Assert.That(p, Is.EqualTo(new[] { 0.644f, 0.038f, 0.244f }).Within(1e-5f));
        }

        [Test]
        public void SgdNesterovWithWeightDecay()
        {
            // torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True); values from a double-precision script.
            float[] p = TwoSteps(OptimizerSettings.Sgd(0.1f, momentum: 0.9f, weightDecay: 0.1f, nesterov: true));
            Assert.That(p, Is.EqualTo(new[] { 0.521394500f, -0.150037250f, 0.139690100f }).Within(1e-5f));
        }

        [Test]
        public void SgdDampening()
        {
            // dampening 0.5: step 1 buf = g (PyTorch copies the first gradient undamped) → p = (0.68, 0.11, 0.28);
            // step 2 buf = 0.9·(−1.8, −3.6, −1.8) + 0.5·(0.36, 0.72, 0.36) = (−1.44, −2.88, −1.44) → p = (0.824, 0.398, 0.424).
            float[] p = TwoSteps(OptimizerSettings.Sgd(0.1f, momentum: 0.9f, dampening: 0.5f));
            Assert.That(p, Is.EqualTo(new[] { 0.824f, 0.398f, 0.424f }).Within(1e-5f));
        }

        [Test]
        public void Adam()
        {
            // Step 1: m̂ = g, v̂ = g², so each parameter moves by lr·sign(g) = +0.1 → (0.6, −0.15, 0.2).
            // Step 2: y = 0.5, g = (−1, −2, −1); bias corrections 0.19 and 0.001999; values from a double-precision script.
            float[] p = TwoSteps(OptimizerSettings.Adam(0.1f));
            Assert.That(p, Is.EqualTo(new[] { 0.694719010f, -0.055280989f, 0.294719010f }).Within(2e-6f));
        }

        [Test]
        public void AdamWDecouplesWeightDecay()
        {
            // torch.optim.AdamW(lr=0.1, weight_decay=0.5): p ← p·(1 − 0.05) before each Adam update.
            float[] p = TwoSteps(OptimizerSettings.AdamW(0.1f, weightDecay: 0.5f));
            Assert.That(p, Is.EqualTo(new[] { 0.641105792f, -0.035769207f, 0.280105792f }).Within(2e-6f));
        }

        [Test]
        public void AdamWithL2WeightDecayDiffersFromAdamW()
        {
            float[] l2 = TwoSteps(OptimizerSettings.Adam(0.1f, weightDecay: 0.5f));
            float[] decoupled = TwoSteps(OptimizerSettings.AdamW(0.1f, weightDecay: 0.5f));
            Assert.That(Math.Abs(l2[0] - decoupled[0]), Is.GreaterThan(1e-3f));
        }

        [Test]
        public void LearningRateChangesBetweenSteps()
        {
            var model = new Mlp(2, new[] { new LayerSpec(1, Activation.Identity) }, 0);
            model.Parameters[0] = 0.5f; model.Parameters[1] = -0.25f; model.Parameters[2] = 0.1f;
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 1, Optimizer = OptimizerSettings.Sgd(0.1f) });
            trainer.Step(X, T);
            Assert.That(model.Parameters.ToArray(), Is.EqualTo(new[] { 0.68f, 0.11f, 0.28f }).Within(1e-6f));
            trainer.LearningRate = 0f;
            trainer.Step(X, T);
            Assert.That(model.Parameters.ToArray(), Is.EqualTo(new[] { 0.68f, 0.11f, 0.28f }).Within(1e-6f));
            trainer.LearningRate = 0.05f; // g = (0.36, 0.72, 0.36)
            trainer.Step(X, T);
            Assert.That(model.Parameters.ToArray(), Is.EqualTo(new[] { 0.662f, 0.074f, 0.262f }).Within(1e-6f));
        }

        [Test]
        public void InvalidHyperParametersAreRejectedLikePyTorch()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerSettings.Sgd(-0.1f));
            Assert.Throws<ArgumentException>(() => OptimizerSettings.Sgd(0.1f, nesterov: true));
            Assert.Throws<ArgumentException>(() => OptimizerSettings.Sgd(0.1f, momentum: 0.9f, nesterov: true, dampening: 0.1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerSettings.Adam(beta1: 1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerSettings.Adam(beta2: -0.1f));
            Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerSettings.AdamW(epsilon: float.NaN));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerSettings.Adam(weightDecay: -1f))!;
            Assert.That(e.Message, Does.Contain("weightDecay").And.Contain("-1"));
        }

        [Test]
        public void DefaultsMatchPyTorch()
        {
            var adam = OptimizerSettings.Adam();
            Assert.That(new[] { adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay },
                Is.EqualTo(new[] { 1e-3f, 0.9f, 0.999f, 1e-8f, 0f }));
            Assert.That(OptimizerSettings.AdamW().WeightDecay, Is.EqualTo(0.01f));
        }
    }
}
