using System;
using EmbeddedMlp.Tests.Reference;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>
    /// Each loss of <see cref="Losses"/> and <see cref="PolicyLosses"/>: its value against the double-precision
    /// <see cref="ReferenceLosses"/>, and its gradient against central differences of that reference (with respect to the
    /// logits for the categorical losses, to the outputs otherwise). The PPO and value-clipping cases mix rows on both
    /// sides of the clip, away from its kinks.
    /// </summary>
    [TestFixture]
    public class LossGradientTests
    {
        private const int Rows = 6, Classes = 4, Dims = 2;
        private const double H = 1e-6;

        private static double[] Numeric(double[] at, Func<double[], double> f)
        {
            var g = new double[at.Length];
            for (int i = 0; i < at.Length; i++)
            {
                double keep = at[i];
                at[i] = keep + H;
                double up = f(at);
                at[i] = keep - H;
                double down = f(at);
                at[i] = keep;
                g[i] = (up - down) / (2 * H);
            }
            return g;
        }

        private static void AssertGradient(float[] analytic, double[] numeric, string what)
        {
            double worst = GradientCheckTests.WorstViolation(TestData.ToDouble(analytic), numeric, out int i);
            Assert.That(worst, Is.LessThanOrEqualTo(1.0), $"{what}[{i}]: analytic {analytic[i]:R}, finite difference {numeric[i]:R}");
            Assert.That(GradientCheckTests.MaxAbs(numeric), Is.GreaterThan(1e-4), $"{what}: degenerate case");
        }

        private static void AssertLoss(float actual, double expected, string what) =>
            Assert.That(actual, Is.EqualTo(expected).Within(1e-5 * Math.Max(1, Math.Abs(expected))), what);

        private static float[] Probabilities(double[] z, int rows, int cols) =>
            Array.ConvertAll(ReferenceLosses.Softmax(z, rows, cols), v => (float)v);

        private static double[] Logits(Random rng) => TestData.ToDouble(TestData.Uniform(rng, Rows * Classes, -2, 2));

        private static int[] Actions(Random rng)
        {
            var a = new int[Rows];
            for (int i = 0; i < Rows; i++) a[i] = rng.Next(Classes);
            return a;
        }

        [Test]
        public void SoftmaxCrossEntropyWithClassIndices()
        {
            var rng = new Random(1);
            double[] z = Logits(rng);
            int[] y = Actions(rng);
            float[] w = TestData.Uniform(rng, Rows, -1, 2);
            var g = new float[Rows * Classes];
            float loss = Losses.SoftmaxCrossEntropy(Probabilities(z, Rows, Classes), y, w, g);
            double[] wd = TestData.ToDouble(w);
            AssertLoss(loss, ReferenceLosses.CrossEntropy(z, Rows, Classes, y, wd), "loss");
            AssertGradient(g, Numeric(z, t => ReferenceLosses.CrossEntropy(t, Rows, Classes, y, wd)), "∂/∂z");
        }

        [Test]
        public void SoftmaxCrossEntropyWithProbabilityRows()
        {
            var rng = new Random(2);
            double[] z = Logits(rng);
            float[] targets = TestData.Uniform(rng, Rows * Classes, 0, 1); // rows need not sum to 1
            var g = new float[Rows * Classes];
            float loss = Losses.SoftmaxCrossEntropy(Probabilities(z, Rows, Classes), targets, Classes, default, g);
            double[] td = TestData.ToDouble(targets);
            AssertLoss(loss, ReferenceLosses.CrossEntropy(z, Rows, Classes, td, null), "loss");
            AssertGradient(g, Numeric(z, t => ReferenceLosses.CrossEntropy(t, Rows, Classes, td, null)), "∂/∂z");
        }

        [Test]
        public void MeanSquaredErrorWithAndWithoutWeights()
        {
            var rng = new Random(3);
            float[] y = TestData.Uniform(rng, Rows * 3), t = TestData.Uniform(rng, Rows * 3), w = TestData.Uniform(rng, Rows, 0, 2);
            double[] yd = TestData.ToDouble(y), td = TestData.ToDouble(t), wd = TestData.ToDouble(w);
            var g = new float[y.Length];
            AssertLoss(Losses.MeanSquaredError(y, t, w, g), ReferenceLosses.MeanSquaredError(yd, td, Rows, wd), "weighted loss");
            AssertGradient(g, Numeric(yd, v => ReferenceLosses.MeanSquaredError(v, td, Rows, wd)), "weighted ∂/∂y");
            AssertLoss(Losses.MeanSquaredError(y, t, default, g), ReferenceLosses.MeanSquaredError(yd, td, Rows, null), "loss");
            AssertGradient(g, Numeric(yd, v => ReferenceLosses.MeanSquaredError(v, td, Rows, null)), "∂/∂y");
        }

        [Test]
        public void HuberOnTheSelectedOutputs()
        {
            var rng = new Random(4);
            float[] q = TestData.Uniform(rng, Rows * Classes, -3, 3);
            int[] a = Actions(rng);
            // errors on both sides of δ = 1, none within 0.1 of the kink
            float[] errors = { 0.3f, -0.6f, 1.7f, -2.5f, 0.05f, 1.2f };
            var t = new float[Rows];
            for (int i = 0; i < Rows; i++) t[i] = q[i * Classes + a[i]] - errors[i];
            float[] w = TestData.Uniform(rng, Rows, 0.5, 1.5);
            double[] qd = TestData.ToDouble(q), td = TestData.ToDouble(t), wd = TestData.ToDouble(w);
            var g = new float[q.Length];
            AssertLoss(Losses.Huber(q, a, t, 1f, w, g), ReferenceLosses.Huber(qd, a, td, 1, wd), "loss");
            AssertGradient(g, Numeric(qd, v => ReferenceLosses.Huber(v, a, td, 1, wd)), "∂/∂Q");
            for (int i = 0; i < Rows; i++)
                for (int j = 0; j < Classes; j++)
                    if (j != a[i]) Assert.That(g[i * Classes + j], Is.EqualTo(0f), "only the selected outputs get a gradient");
        }

        [Test]
        public void CategoricalPolicyGradientWithEntropy()
        {
            var rng = new Random(5);
            double[] z = Logits(rng);
            int[] a = Actions(rng);
            float[] adv = TestData.Uniform(rng, Rows, -2, 2);
            double[] advd = TestData.ToDouble(adv);
            var g = new float[z.Length];
            PolicyLoss r = PolicyLosses.CategoricalPolicyGradient(Probabilities(z, Rows, Classes), a, adv, 0.1f, g);
            AssertLoss(r.Loss, ReferenceLosses.Categorical(z, Rows, Classes, a, advd, null, 0, 0.1), "loss");
            AssertLoss(r.Entropy, (ReferenceLosses.Categorical(z, Rows, Classes, a, new double[Rows], null, 0, 1) / -1), "entropy");
            AssertGradient(g, Numeric(z, t => ReferenceLosses.Categorical(t, Rows, Classes, a, advd, null, 0, 0.1)), "∂/∂z");
        }

        [Test]
        public void CategoricalPpoClippedSurrogate()
        {
            var rng = new Random(6);
            double[] z = Logits(rng);
            int[] a = Actions(rng);
            float[] p = Probabilities(z, Rows, Classes);
            // ratios inside and outside [0.8, 1.2], with advantages of both signs: clipped and unclipped terms active
            double[] ratio = { 1.05, 0.6, 1.5, 0.9, 1.35, 0.7 };
            float[] adv = { 1f, 1f, 1f, -1.5f, -0.5f, -2f };
            var old = new float[Rows];
            for (int i = 0; i < Rows; i++) old[i] = (float)(Math.Log(p[i * Classes + a[i]]) - Math.Log(ratio[i]));
            double[] advd = TestData.ToDouble(adv), oldd = TestData.ToDouble(old);
            var g = new float[z.Length];
            PolicyLoss r = PolicyLosses.CategoricalPpo(p, a, adv, old, 0.2f, 0.01f, g);
            AssertLoss(r.Loss, ReferenceLosses.Categorical(z, Rows, Classes, a, advd, oldd, 0.2, 0.01), "loss");
            AssertGradient(g, Numeric(z, t => ReferenceLosses.Categorical(t, Rows, Classes, a, advd, oldd, 0.2, 0.01)), "∂/∂z");
            Assert.That(r.ClipFraction, Is.EqualTo(4f / 6f).Within(1e-6), "rows with |r − 1| > ε");
            double kl = 0;
            foreach (double q in ratio) kl += (q - 1) - Math.Log(q);
            Assert.That(r.ApproximateKl, Is.EqualTo(kl / Rows).Within(1e-5));
        }

        [Test]
        public void GaussianPolicyGradientAndPpo()
        {
            var rng = new Random(7);
            float[] y = TestData.Uniform(rng, Rows * 2 * Dims, -1, 1);
            float[] act = TestData.Uniform(rng, Rows * Dims, -2, 2);
            float[] adv = { 1f, -1f, 0.5f, 2f, -0.7f, 1.3f };
            double[] yd = TestData.ToDouble(y), ad = TestData.ToDouble(act), advd = TestData.ToDouble(adv);
            var g = new float[y.Length];
            PolicyLoss pg = PolicyLosses.GaussianPolicyGradient(y, act, adv, 0.05f, g);
            AssertLoss(pg.Loss, ReferenceLosses.Gaussian(yd, ad, Rows, Dims, advd, null, 0, 0.05), "policy-gradient loss");
            AssertGradient(g, Numeric(yd, v => ReferenceLosses.Gaussian(v, ad, Rows, Dims, advd, null, 0, 0.05)), "policy gradient ∂/∂y");

            var logP = new float[Rows];
            PolicyLosses.GaussianLogProbability(y, act, logP);
            for (int i = 0; i < Rows; i++) Assert.That(logP[i], Is.EqualTo(ReferenceLosses.GaussianLogDensity(yd, ad, i, Dims)).Within(1e-5), $"log-density {i}");
            double[] ratio = { 1.1, 0.5, 1.6, 0.95, 1.4, 0.75 };
            var old = new float[Rows];
            for (int i = 0; i < Rows; i++) old[i] = (float)(logP[i] - Math.Log(ratio[i]));
            double[] oldd = TestData.ToDouble(old);
            PolicyLoss ppo = PolicyLosses.GaussianPpo(y, act, adv, old, 0.2f, 0.05f, g);
            AssertLoss(ppo.Loss, ReferenceLosses.Gaussian(yd, ad, Rows, Dims, advd, oldd, 0.2, 0.05), "PPO loss");
            AssertGradient(g, Numeric(yd, v => ReferenceLosses.Gaussian(v, ad, Rows, Dims, advd, oldd, 0.2, 0.05)), "PPO ∂/∂y");
        }

        [Test]
        public void ValueLossPlainAndClipped()
        {
            float[] v = { 0.5f, -1f, 2f, 0.1f, 1.5f, -0.3f };
            float[] ret = { 0.7f, -0.2f, 1.0f, 0.8f, -0.5f, 0.4f };
            float[] old = { 0.45f, -0.5f, 2.6f, 0.4f, 1.2f, -0.25f }; // some steps beyond ±0.2, clipped term larger in some rows
            double[] vd = TestData.ToDouble(v), rd = TestData.ToDouble(ret), od = TestData.ToDouble(old);
            var g = new float[Rows];
            AssertLoss(PolicyLosses.ValueLoss(v, ret, default, 0f, g), ReferenceLosses.Value(vd, rd, null, 0), "loss");
            AssertGradient(g, Numeric(vd, x => ReferenceLosses.Value(x, rd, null, 0)), "∂/∂V");
            AssertLoss(PolicyLosses.ValueLoss(v, ret, old, 0.2f, g), ReferenceLosses.Value(vd, rd, od, 0.2), "clipped loss");
            AssertGradient(g, Numeric(vd, x => ReferenceLosses.Value(x, rd, od, 0.2)), "clipped ∂/∂V");
            Assert.That(Array.IndexOf(g, 0f), Is.GreaterThanOrEqualTo(0), "a clipped row has no gradient");
        }

        [Test]
        public void ZeroProbabilitiesGiveFiniteGradients()
        {
            float[] p = { 1f, 0f, 0f, 0.5f, 0.5f, 0f };
            var g = new float[6];
            PolicyLoss r = PolicyLosses.CategoricalPpo(p, new[] { 1, 0 }, new[] { 1f, -1f }, new[] { -1f, -0.7f }, 0.2f, 0.01f, g);
            Assert.That(float.IsNaN(r.Loss) || float.IsInfinity(r.Loss), Is.False, r.ToString());
            foreach (float v in g) Assert.That(float.IsNaN(v) || float.IsInfinity(v), Is.False);
            float ce = Losses.SoftmaxCrossEntropy(p, new[] { 1, 2 }, default, g);
            Assert.That(ce, Is.EqualTo((2 * -Math.Log(float.Epsilon)) / 2).Within(1e-3), "ln 0 is clamped at ln of the smallest float");
        }

        [Test]
        public void SoftmaxHelperMatchesReference()
        {
            var rng = new Random(8);
            double[] z = Logits(rng);
            var p = new float[z.Length];
            Losses.Softmax(Array.ConvertAll(z, v => (float)v), p, Classes);
            double[] expected = ReferenceLosses.Softmax(z, Rows, Classes);
            for (int i = 0; i < p.Length; i++) Assert.That(p[i], Is.EqualTo(expected[i]).Within(1e-6), $"p[{i}]");
        }

        [Test]
        public void BadShapesNameTheArgument()
        {
            var g = new float[8];
            ArgumentValidationTests.ExpectArgument(() => Losses.SoftmaxCrossEntropy(new float[8], new[] { 0, 1, 2 }, default, g), "probabilities", "3 rows", "found 8");
            ArgumentValidationTests.ExpectArgument(() => Losses.SoftmaxCrossEntropy(new float[8], new[] { 0, 4 }, default, g), "classTargets", "classTargets[1]", "0..3", "found 4");
            ArgumentValidationTests.ExpectArgument(() => Losses.SoftmaxCrossEntropy(new float[8], new[] { 0, 1 }, new float[3], g), "sampleWeights", "expected 2", "found 3");
            ArgumentValidationTests.ExpectArgument(() => Losses.SoftmaxCrossEntropy(new float[8], new[] { 0, 1 }, default, new float[6]), "logitGradients", "2×4 = 8", "found 6");
            ArgumentValidationTests.ExpectArgument(() => Losses.MeanSquaredError(new float[8], new float[7], default, g), "targets", "8", "found 7");
            ArgumentValidationTests.ExpectArgument(() => Losses.Huber(new float[8], new[] { 0, 1 }, new float[3], 1f, default, g), "targets", "expected 2", "found 3");
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Huber(new float[8], new[] { 0, 1 }, new float[2], 0f, default, g));
            ArgumentValidationTests.ExpectArgument(() => PolicyLosses.CategoricalPpo(new float[8], new[] { 0, 1 }, new float[2], new float[1], 0.2f, 0f, g), "oldLogProbabilities", "expected 2", "found 1");
            ArgumentValidationTests.ExpectArgument(() => PolicyLosses.GaussianPpo(new float[8], new float[4], new float[2], new float[2], 0.2f, 0f, new float[7]), "outputGradients", "2×4 = 8", "found 7");
            ArgumentValidationTests.ExpectArgument(() => PolicyLosses.GaussianPolicyGradient(new float[6], new float[4], new float[2], 0f, g), "outputs", "2×4 = 8", "found 6");
            ArgumentValidationTests.ExpectArgument(() => PolicyLosses.ValueLoss(new float[2], new float[2], new float[1], 0.2f, new float[2]), "oldValues", "expected 2", "found 1");
            Assert.Throws<ArgumentOutOfRangeException>(() => PolicyLosses.CategoricalPpo(new float[8], new[] { 0, 1 }, new float[2], new float[2], 0f, 0f, g));
            Assert.Throws<ArgumentOutOfRangeException>(() => PolicyLosses.CategoricalPolicyGradient(new float[8], new[] { 0, 1 }, new float[2], -1f, g));
        }
    }
}
