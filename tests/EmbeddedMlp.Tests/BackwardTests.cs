using System;
using System.Collections.Generic;
using EmbeddedMlp.Tests.Reference;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>
    /// The any-loss workflow: <see cref="Trainer.Forward"/> → caller's gradient → <see cref="Trainer.Backward"/> /
    /// <see cref="Trainer.BackwardFromLogits"/> → <see cref="Trainer.ApplyGradients"/>. Parameter and input gradients
    /// for random output gradients g are checked against central differences of L = Σ g·outputs computed by the
    /// independent double-precision <see cref="ReferenceMlp"/>, for every hidden activation and every output kind.
    /// </summary>
    [TestFixture]
    public class BackwardTests
    {
        private const int Rows = 5;
        private const double Step = 1e-5;
        private static readonly Activation[] Hidden = { Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid };
        private static readonly Activation[] Outputs = { Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid, Activation.Softmax };

        public static IEnumerable<TestCaseData> Cases()
        {
            foreach (Activation hidden in Hidden)
                foreach (Activation output in Outputs)
                    yield return new TestCaseData(hidden, output).SetName($"Backward_{hidden}_{output}");
        }

        private static Mlp Model(Activation hidden, Activation output, int seed)
        {
            var model = new Mlp(3, new[] { new LayerSpec(7, hidden), new LayerSpec(6, hidden, bias: false), new LayerSpec(4, output) }, (ulong)seed);
            TestData.RandomizeBiases(model, new Random(seed));
            return model;
        }

        [TestCaseSource(nameof(Cases))]
        public void ParameterAndInputGradientsMatchFiniteDifferences(Activation hidden, Activation output)
        {
            int seed = 100 + 10 * (int)hidden + (int)output;
            Mlp model = Model(hidden, output, seed);
            var rng = new Random(seed);
            float[] x = TestData.Uniform(rng, Rows * 3, -2, 2);
            float[] g = TestData.Uniform(rng, Rows * 4);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 8 });
            var outputs = new float[Rows * 4];
            var dx = new float[Rows * 3];
            trainer.Forward(x, outputs);
            trainer.Backward(g, dx);

            var reference = new ReferenceMlp(model);
            double[] theta = TestData.ToDouble(model.Parameters), xd = TestData.ToDouble(x), gd = TestData.ToDouble(g);
            double[] expectedOut = reference.Forward(theta, xd, Rows);
            for (int i = 0; i < outputs.Length; i++) Assert.That(outputs[i], Is.EqualTo(expectedOut[i]).Within(1e-5), $"output {i}");

            double Objective(double[] t, double[] inputs)
            {
                double[] y = reference.Forward(t, inputs, Rows);
                double s = 0;
                for (int i = 0; i < y.Length; i++) s += gd[i] * y[i];
                return s;
            }
            AssertGradient(TestData.ToDouble(trainer.Gradients), theta, t => Objective(t, xd), "parameters");
            AssertGradient(TestData.ToDouble(dx), xd, xs => Objective(theta, xs), "inputs");
        }

        [TestCaseSource(nameof(Cases))]
        public void BackwardFromLogitsSkipsTheLastActivation(Activation hidden, Activation output)
        {
            int seed = 200 + 10 * (int)hidden + (int)output;
            Mlp model = Model(hidden, output, seed);
            var rng = new Random(seed);
            float[] x = TestData.Uniform(rng, Rows * 3, -2, 2), g = TestData.Uniform(rng, Rows * 4);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = Rows });
            var dx = new float[Rows * 3];
            trainer.Forward(x, new float[Rows * 4]);
            trainer.BackwardFromLogits(g, dx);

            var reference = new ReferenceMlp(model);
            double[] theta = TestData.ToDouble(model.Parameters), xd = TestData.ToDouble(x), gd = TestData.ToDouble(g);
            double Objective(double[] t, double[] inputs)
            {
                double[] z = reference.Forward(t, inputs, Rows, applyLastActivation: false);
                double s = 0;
                for (int i = 0; i < z.Length; i++) s += gd[i] * z[i];
                return s;
            }
            AssertGradient(TestData.ToDouble(trainer.Gradients), theta, t => Objective(t, xd), "parameters");
            AssertGradient(TestData.ToDouble(dx), xd, xs => Objective(theta, xs), "inputs");
        }

        private static void AssertGradient(double[] analytic, double[] at, Func<double[], double> f, string what)
        {
            var numeric = new double[at.Length];
            for (int p = 0; p < at.Length; p++)
            {
                double keep = at[p];
                at[p] = keep + Step;
                double up = f(at);
                at[p] = keep - Step;
                double down = f(at);
                at[p] = keep;
                numeric[p] = (up - down) / (2 * Step);
            }
            double worst = GradientCheckTests.WorstViolation(analytic, numeric, out int i);
            Assert.That(worst, Is.LessThanOrEqualTo(1.0), $"{what}[{i}]: analytic {analytic[i]:R}, finite difference {numeric[i]:R}");
            Assert.That(GradientCheckTests.MaxAbs(numeric), Is.GreaterThan(1e-6), $"{what}: degenerate problem, all gradients vanish");
        }

        [Test]
        public void TwoHalvesAccumulateToTheWholeBatch()
        {
            foreach (Activation output in new[] { Activation.Tanh, Activation.Softmax })
            {
                Mlp model = Model(Activation.Relu, output, 7);
                var rng = new Random(7);
                float[] x = TestData.Uniform(rng, 8 * 3), g = TestData.Uniform(rng, 8 * 4);
                var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 8 });
                trainer.Forward(x, new float[8 * 4]);
                trainer.Backward(g);
                float[] whole = trainer.Gradients.ToArray();

                trainer.ZeroGradients();
                Assert.That(trainer.Gradients.ToArray(), Is.All.EqualTo(0f), "ZeroGradients");
                trainer.Forward(x.AsSpan(0, 3 * 3), new float[3 * 4]);
                trainer.Backward(g.AsSpan(0, 3 * 4));
                trainer.Forward(x.AsSpan(3 * 3), new float[5 * 4]);
                trainer.Backward(g.AsSpan(3 * 4));
                float[] halves = trainer.Gradients.ToArray();

                double scale = 0;
                foreach (float v in whole) scale = Math.Max(scale, Math.Abs(v));
                Assert.That(scale, Is.GreaterThan(1e-3));
                for (int i = 0; i < whole.Length; i++)
                    Assert.That(halves[i], Is.EqualTo(whole[i]).Within(1e-6 * scale), $"{output} gradient {i}");
            }
        }

        [Test]
        public void BackwardTwiceAfterOneForwardAddsBothLosses()
        {
            Mlp model = Model(Activation.Tanh, Activation.Sigmoid, 8);
            var rng = new Random(8);
            float[] x = TestData.Uniform(rng, 4 * 3), g1 = TestData.Uniform(rng, 4 * 4), g2 = TestData.Uniform(rng, 4 * 4);
            var sum = new float[g1.Length];
            for (int i = 0; i < sum.Length; i++) sum[i] = g1[i] + g2[i];
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 4 });
            trainer.Forward(x, new float[16]);
            trainer.Backward(sum);
            float[] once = trainer.Gradients.ToArray();
            trainer.ZeroGradients();
            trainer.Backward(g1);
            trainer.Backward(g2);
            float[] twice = trainer.Gradients.ToArray();
            for (int i = 0; i < once.Length; i++) Assert.That(twice[i], Is.EqualTo(once[i]).Within(1e-5), $"gradient {i}");
        }

        public enum BuiltIn { ClassIndices, ProbabilityRows, MeanSquaredError }

        /// <summary>Step is Forward + the built-in loss's gradient + backward + ApplyGradients on one code path: the same bits.</summary>
        [TestCase(BuiltIn.ClassIndices)]
        [TestCase(BuiltIn.ProbabilityRows)]
        [TestCase(BuiltIn.MeanSquaredError)]
        public void ForwardLossBackwardApplyGivesTheBitsOfStep(BuiltIn loss)
        {
            Activation output = loss == BuiltIn.MeanSquaredError ? Activation.Tanh : Activation.Softmax;
            var specs = new[] { new LayerSpec(16, Activation.Relu), new LayerSpec(16, Activation.Tanh), new LayerSpec(3, output) };
            Mlp a = new Mlp(5, specs, 3), b = new Mlp(5, specs, 3);
            var options = new TrainerOptions { MaxBatch = 12, ClipNorm = 0.5f, Optimizer = OptimizerSettings.Adam(0.01f) };
            Trainer stepper = new Trainer(a, options), manual = new Trainer(b, options);
            var rng = new Random(9);
            var outputs = new float[12 * 3];
            var gradient = new float[12 * 3];
            for (int step = 0; step < 20; step++)
            {
                int rows = 1 + step % 12;
                float[] x = TestData.Uniform(rng, rows * 5);
                float[] w = TestData.Uniform(rng, rows, 0, 2);
                var classes = new int[rows];
                for (int i = 0; i < rows; i++) classes[i] = rng.Next(3);
                float[] targets = TestData.Uniform(rng, rows * 3, 0, 1);
                Span<float> y = outputs.AsSpan(0, rows * 3), d = gradient.AsSpan(0, rows * 3);

                StepResult expected;
                float lossValue;
                manual.Forward(x, y);
                switch (loss)
                {
                    case BuiltIn.ClassIndices:
                        expected = stepper.Step(x, classes, w);
                        lossValue = Losses.SoftmaxCrossEntropy(y, classes, w, d);
                        manual.BackwardFromLogits(d);
                        break;
                    case BuiltIn.ProbabilityRows:
                        expected = stepper.Step(x, targets, w);
                        lossValue = Losses.SoftmaxCrossEntropy(y, targets, 3, w, d);
                        manual.BackwardFromLogits(d);
                        break;
                    default:
                        expected = stepper.Step(x, targets, w);
                        lossValue = Losses.MeanSquaredError(y, targets, w, d);
                        manual.Backward(d);
                        break;
                }
                StepResult applied = manual.ApplyGradients();
                Assert.That(BitConverter.SingleToInt32Bits(lossValue), Is.EqualTo(BitConverter.SingleToInt32Bits(expected.Loss)), $"loss at step {step}");
                Assert.That(applied.Status, Is.EqualTo(expected.Status));
                Assert.That(applied.GradientNorm, Is.EqualTo(expected.GradientNorm), $"norm at step {step}");
                Assert.That(float.IsNaN(applied.Loss), Is.True, "ApplyGradients does not know the loss");
            }
            Assert.That(b.Parameters.ToArray(), Is.EqualTo(a.Parameters.ToArray()).AsCollection);
        }

        [Test]
        public void ApplyGradientsZeroesAndSkipsWithoutGradients()
        {
            Mlp model = Model(Activation.Relu, Activation.Identity, 10);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 2, Optimizer = OptimizerSettings.Sgd(0.1f) });
            float[] before = model.Parameters.ToArray();
            StepResult none = trainer.ApplyGradients();
            Assert.That(none.Status, Is.EqualTo(StepStatus.SkippedNoGradients));
            Assert.That(trainer.StepCount, Is.EqualTo(0));
            Assert.That(model.Parameters.ToArray(), Is.EqualTo(before).AsCollection);

            trainer.Forward(new float[] { 0.5f, -1f, 2f }, new float[4]);
            trainer.Backward(new float[] { 1f, -1f, 0.5f, 0.25f });
            float[] g = trainer.Gradients.ToArray();
            Assert.That(trainer.ApplyGradients().Status, Is.EqualTo(StepStatus.Applied));
            for (int i = 0; i < g.Length; i++) Assert.That(model.Parameters[i], Is.EqualTo(before[i] - 0.1f * g[i]).Within(1e-6f), $"parameter {i}");
            Assert.That(trainer.Gradients.ToArray(), Is.All.EqualTo(0f));
            Assert.That(trainer.ApplyGradients().Status, Is.EqualTo(StepStatus.SkippedNoGradients));
        }

        [Test]
        public void NonFiniteGradientSkipsTheUpdateAndZeroes()
        {
            Mlp model = Model(Activation.Relu, Activation.Identity, 11);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 1 });
            float[] before = model.Parameters.ToArray();
            trainer.Forward(new float[] { 0.5f, -1f, 2f }, new float[4]);
            trainer.Backward(new float[] { float.NaN, 0f, 0f, 0f });
            Assert.That(trainer.ApplyGradients().Status, Is.EqualTo(StepStatus.SkippedNonFiniteGradient));
            Assert.That(model.Parameters.ToArray(), Is.EqualTo(before).AsCollection);
            Assert.That(trainer.Gradients.ToArray(), Is.All.EqualTo(0f));
        }

        [Test]
        public void BadInputNamesTheArgument()
        {
            Mlp model = Model(Activation.Relu, Activation.Softmax, 12);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 2 });
            var e = Assert.Throws<InvalidOperationException>(() => trainer.Backward(new float[4]));
            Assert.That(e!.Message, Does.Contain("outputGradients").And.Contain("Forward"));
            ArgumentValidationTests.ExpectArgument(() => trainer.Forward(new float[9], new float[12]), "inputs", "MaxBatch = 2", "found 3");
            ArgumentValidationTests.ExpectArgument(() => trainer.Forward(new float[4], new float[4]), "inputs", "multiple of 3", "found 4");
            ArgumentValidationTests.ExpectArgument(() => trainer.Forward(new float[6], new float[4]), "outputs", "2×4 = 8", "found 4");
            trainer.Forward(new float[6], new float[8]);
            ArgumentValidationTests.ExpectArgument(() => trainer.Backward(new float[4]), "outputGradients", "2×4 = 8", "found 4");
            ArgumentValidationTests.ExpectArgument(() => trainer.BackwardFromLogits(new float[9]), "logitGradients", "2×4 = 8", "found 9");
            ArgumentValidationTests.ExpectArgument(() => trainer.Backward(new float[8], new float[5]), "inputGradients", "2×3 = 6", "found 5");
            trainer.Backward(new float[8]);
            trainer.ApplyGradients();
            Assert.Throws<InvalidOperationException>(() => trainer.Backward(new float[8]), "ApplyGradients ends the forward state");
            trainer.Forward(new float[6], new float[8]);
            trainer.Step(new float[3], new[] { 1 });
            Assert.Throws<InvalidOperationException>(() => trainer.Backward(new float[8]), "Step replaces the forward state");
        }
    }
}
