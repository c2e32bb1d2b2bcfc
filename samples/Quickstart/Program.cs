using System;
using System.Diagnostics;
using System.Globalization;
using EmbeddedMlp;
using EmbeddedMlp.Training;

namespace Quickstart
{
    /// <summary>
    /// Builds a 2-64-64-3 classifier, trains it on a generated three-arm spiral with mini-batches (as a game would,
    /// one step per frame), prints loss and accuracy as it goes and the median microseconds per training step.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3000;
            const int batch = 32, perClass = 200, classes = 3;

            float[] x = Spiral(perClass, classes, seed: 1, out int[] y);
            var model = new Mlp(2, new[]
            {
                new LayerSpec(64, Activation.Relu),
                new LayerSpec(64, Activation.Relu),
                new LayerSpec(classes, Activation.Softmax),
            }, seed: 42);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = batch, Optimizer = OptimizerSettings.Adam(0.01f) });
            Console.WriteLine($"{model}, trained with {trainer.OptimizerSettings}, batch {batch}, on {y.Length} spiral points");

            var rng = new Xoshiro128(7);
            var bx = new float[batch * 2];
            var by = new int[batch];
            var ticks = new long[steps];
            double lossSum = 0;
            for (int step = 1; step <= steps; step++)
            {
                for (int i = 0; i < batch; i++) // sample a mini-batch (this is the game's job, not the runtime's)
                {
                    int k = rng.NextInt(y.Length);
                    bx[2 * i] = x[2 * k];
                    bx[2 * i + 1] = x[2 * k + 1];
                    by[i] = y[k];
                }
                long t0 = Stopwatch.GetTimestamp();
                StepResult r = trainer.Step(bx, by);
                ticks[step - 1] = Stopwatch.GetTimestamp() - t0;
                lossSum += r.Loss;
                if (step % 500 == 0)
                {
                    Console.WriteLine($"step {step,5}  loss {lossSum / 500,8:F4}  accuracy {Accuracy(model, x, y),7:P1}");
                    lossSum = 0;
                }
            }

            Array.Sort(ticks, steps / 10, steps - steps / 10); // ignore the first 10% (JIT warm-up) for the median
            double median = ticks[steps / 10 + (steps - steps / 10) / 2] * 1e6 / Stopwatch.Frequency;
            double accuracy = Accuracy(model, x, y);
            Console.WriteLine($"final accuracy {accuracy:P1}; median training step {median:F1} µs ({median / 16667 * 100:F2}% of a 60 Hz frame)");
            return accuracy >= 0.9 ? 0 : 1;
        }

        private static double Accuracy(Mlp model, float[] x, int[] y)
        {
            var p = new float[y.Length * model.OutputCount];
            model.Predict(x, p);
            int correct = 0;
            for (int r = 0; r < y.Length; r++)
            {
                int best = 0;
                for (int j = 1; j < model.OutputCount; j++)
                    if (p[r * model.OutputCount + j] > p[r * model.OutputCount + best]) best = j;
                if (best == y[r]) correct++;
            }
            return (double)correct / y.Length;
        }

        /// <summary>Three interleaved spiral arms with a little angular noise: points [n, 2] and labels [n].</summary>
        private static float[] Spiral(int perClass, int classes, ulong seed, out int[] labels)
        {
            var rng = new Xoshiro128(seed);
            var x = new float[perClass * classes * 2];
            labels = new int[perClass * classes];
            for (int c = 0; c < classes; c++)
                for (int i = 0; i < perClass; i++)
                {
                    double r = (double)i / perClass;
                    double t = c * 4.0 + 4.0 * i / perClass + rng.NextDouble() * 0.2;
                    int k = c * perClass + i;
                    x[2 * k] = (float)(r * Math.Sin(t));
                    x[2 * k + 1] = (float)(r * Math.Cos(t));
                    labels[k] = c;
                }
            return x;
        }
    }
}
