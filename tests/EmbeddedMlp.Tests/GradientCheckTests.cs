using System;
using System.Collections.Generic;
using EmbeddedMlp.Tests.Reference;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>
    /// Every gradient of every layer (first and last included) against central finite differences of the
    /// independent double-precision <see cref="ReferenceMlp"/>. Bound, per parameter p:
    /// |g_p − fd_p| ≤ 1e-3·|fd_p| + 1e-4·max_q |fd_q| (float analytic gradient vs. double reference).
    /// </summary>
    [TestFixture]
    public class GradientCheckTests
    {
        private const double RelativeTolerance = 1e-3;
        private const double AbsoluteTolerance = 1e-4; // times the largest gradient magnitude
        private const double Step = 1e-5;
        private const int Rows = 5;

        public enum Target { ClassIndices, ProbabilityRows, Regression }

        private static readonly Activation[] Hidden = { Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid };
        private static readonly Activation[] RegressionOutputs = { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu };

        // (inputs, hidden widths, output units, which layers lack a bias)
        private static readonly (int inputs, int[] hidden, int outputs, int noBiasLayer)[] Architectures =
        {
            (3, new int[0], 3, -1),          // a single layer: it is both first and last
            (1, new[] { 7 }, 3, -1),
            (7, new[] { 17, 3 }, 7, 1),      // a middle layer without bias
            (17, new[] { 1, 7 }, 1, 0),      // a 1-unit bottleneck, first layer without bias
            (3, new[] { 7, 7, 3 }, 17, -1),  // four layers
        };

        public static IEnumerable<TestCaseData> Cases()
        {
            int n = 0;
            foreach (Activation hidden in Hidden)
            {
                var outputs = new List<(Target, Activation)> { (Target.ClassIndices, Activation.Softmax), (Target.ProbabilityRows, Activation.Softmax) };
                foreach (Activation o in RegressionOutputs) outputs.Add((Target.Regression, o));
                foreach (var (target, outAct) in outputs)
                    foreach (bool weighted in new[] { false, true })
                    {
                        int arch = n++ % Architectures.Length;
                        yield return new TestCaseData(hidden, target, outAct, weighted, arch)
                            .SetName($"Gradients_{hidden}_{target}_{outAct}_{(weighted ? "weighted" : "unweighted")}_arch{arch}");
                    }
            }
            // Every architecture once more with the most common game set-up.
            for (int a = 0; a < Architectures.Length; a++)
                yield return new TestCaseData(Activation.Relu, Target.ClassIndices, Activation.Softmax, true, a)
                    .SetName($"Gradients_AllArchitectures_arch{a}");
        }

        [TestCaseSource(nameof(Cases))]
        public void AnalyticGradientMatchesFiniteDifferences(Activation hidden, Target target, Activation output, bool weighted, int arch)
        {
            var problem = Problem.Create(hidden, target, output, weighted, arch, seed: 1000 + arch);
            double[] analytic = problem.Analytic();
            double[] numeric = problem.Numeric();
            double worst = WorstViolation(analytic, numeric, out int at);
            Assert.That(worst, Is.LessThanOrEqualTo(1.0),
                $"gradient {at}: analytic {analytic[at]:R}, finite difference {numeric[at]:R}");
            Assert.That(MaxAbs(numeric), Is.GreaterThan(1e-6), "degenerate problem: all gradients vanish");
        }

        /// <summary>The check itself must fail on a wrong gradient: perturb one entry of the first and of the last layer.</summary>
        [Test]
        public void CheckerRejectsAGradientOffByOnePercentInFirstOrLastLayer()
        {
            var problem = Problem.Create(Activation.Tanh, Target.ClassIndices, Activation.Softmax, false, 2, seed: 7);
            double[] numeric = problem.Numeric();
            double[] analytic = problem.Analytic();
            Assert.That(WorstViolation(analytic, numeric, out _), Is.LessThanOrEqualTo(1.0));

            foreach (int layer in new[] { 0, problem.Model.LayerCount - 1 })
            {
                double[] broken = (double[])analytic.Clone();
                int p = problem.Model.GetLayout(layer).WeightOffset + LargestIn(numeric, problem.Model.GetLayout(layer).WeightOffset, problem.Model.GetLayout(layer).WeightCount);
                broken[p] *= 1.01;
                Assert.That(WorstViolation(broken, numeric, out int at), Is.GreaterThan(1.0), $"layer {layer}");
                Assert.That(at, Is.EqualTo(p));
            }
        }

        private static int LargestIn(double[] g, int offset, int count)
        {
            int best = 0;
            for (int i = 1; i < count; i++) if (Math.Abs(g[offset + i]) > Math.Abs(g[offset + best])) best = i;
            return best;
        }

        internal static double MaxAbs(double[] a)
        {
            double m = 0;
            foreach (double v in a) m = Math.Max(m, Math.Abs(v));
            return m;
        }

        /// <summary>max_p |g_p − fd_p| / (rel·|fd_p| + abs·max|fd|); ≤ 1 passes.</summary>
        internal static double WorstViolation(double[] analytic, double[] numeric, out int at)
        {
            double scale = MaxAbs(numeric), worst = 0;
            at = -1;
            for (int p = 0; p < numeric.Length; p++)
            {
                double bound = RelativeTolerance * Math.Abs(numeric[p]) + AbsoluteTolerance * scale;
                double v = Math.Abs(analytic[p] - numeric[p]) / bound;
                if (!(v <= worst)) { worst = v; at = p; }
            }
            return worst;
        }

        private sealed class Problem
        {
            public Mlp Model = null!;
            private ReferenceMlp _reference = null!;
            private float[] _x = null!;
            private int[] _classes = null!;
            private float[] _targets = null!;
            private float[]? _weights;
            private Target _target;

            public static Problem Create(Activation hidden, Target target, Activation output, bool weighted, int arch, int seed)
            {
                var rng = new Random(seed);
                var (inputs, widths, outputs, noBias) = Architectures[arch];
                if (output == Activation.Softmax && outputs == 1) outputs = 2; // one-class softmax has a constant loss
                var specs = new LayerSpec[widths.Length + 1];
                for (int i = 0; i < widths.Length; i++) specs[i] = new LayerSpec(widths[i], hidden, bias: i != noBias);
                specs[widths.Length] = new LayerSpec(outputs, output, bias: widths.Length != noBias);
                var model = new Mlp(inputs, specs, (ulong)seed);
                TestData.RandomizeBiases(model, rng);
                var p = new Problem { Model = model, _reference = new ReferenceMlp(model), _target = target };
                p._x = TestData.Uniform(rng, Rows * inputs, -2, 2);
                p._classes = new int[Rows];
                for (int r = 0; r < Rows; r++) p._classes[r] = rng.Next(outputs);
                p._targets = TestData.Uniform(rng, Rows * outputs, target == Target.ProbabilityRows ? 0 : -1, 1);
                if (target == Target.ProbabilityRows)
                    for (int r = 0; r < Rows; r++)
                    {
                        float s = 0;
                        for (int j = 0; j < outputs; j++) s += p._targets[r * outputs + j];
                        for (int j = 0; j < outputs; j++) p._targets[r * outputs + j] /= s;
                    }
                // Weights include a negative one (an advantage below baseline) and a zero.
                p._weights = weighted ? new[] { 1.5f, -0.75f, 0f, 2f, 0.25f } : null;
                return p;
            }

            public double[] Analytic()
            {
                var trainer = new Trainer(Model, new TrainerOptions { MaxBatch = Rows });
                ReadOnlySpan<float> w = _weights ?? ReadOnlySpan<float>.Empty;
                if (_target == Target.ClassIndices) trainer.ComputeGradients(_x, _classes, w);
                else trainer.ComputeGradients(_x, _targets, w);
                return TestData.ToDouble(trainer.Gradients);
            }

            public double[] Numeric()
            {
                double[] theta = TestData.ToDouble(Model.Parameters);
                var g = new double[theta.Length];
                for (int p = 0; p < theta.Length; p++)
                {
                    double keep = theta[p];
                    theta[p] = keep + Step;
                    double up = Loss(theta);
                    theta[p] = keep - Step;
                    double down = Loss(theta);
                    theta[p] = keep;
                    g[p] = (up - down) / (2 * Step);
                }
                return g;
            }

            private double Loss(double[] theta)
            {
                double[] x = TestData.ToDouble(_x);
                double[]? w = _weights == null ? null : TestData.ToDouble(_weights);
                switch (_target)
                {
                    case Target.ClassIndices: return _reference.CrossEntropy(theta, x, Rows, _classes, w);
                    case Target.ProbabilityRows: return _reference.CrossEntropy(theta, x, Rows, TestData.ToDouble(_targets), w);
                    default: return _reference.MeanSquaredError(theta, x, Rows, TestData.ToDouble(_targets), w);
                }
            }
        }
    }
}
