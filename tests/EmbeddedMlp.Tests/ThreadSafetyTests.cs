using System;
using System.Threading;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    [TestFixture]
    public class ThreadSafetyTests
    {
        [Test]
        public void PredictFromEightThreadsMatchesSingleThreaded()
        {
            var m = new Mlp(16, new[] { new LayerSpec(48, Activation.Relu), new LayerSpec(24, Activation.Tanh), new LayerSpec(6, Activation.Softmax) }, 8);
            const int threads = 8, iterations = 300;
            var rng = new Random(8);
            var inputs = new float[threads][];
            var expected = new float[threads][];
            for (int t = 0; t < threads; t++)
            {
                int rows = 1 + 13 * t; // a different batch size, so different pooled workspaces, per thread
                inputs[t] = TestData.Uniform(rng, rows * 16);
                expected[t] = new float[rows * 6];
                m.Predict(inputs[t], expected[t]);
            }

            var mismatches = new int[threads];
            var errors = new Exception?[threads];
            using (var start = new Barrier(threads))
            {
                var workers = new Thread[threads];
                for (int t = 0; t < threads; t++)
                {
                    int id = t;
                    workers[t] = new Thread(() =>
                    {
                        try
                        {
                            var y = new float[expected[id].Length];
                            start.SignalAndWait();
                            for (int i = 0; i < iterations; i++)
                            {
                                // Alternate with another thread's batch size to make threads share pool buckets.
                                int which = (i & 1) == 0 ? id : (id + 1) % threads;
                                var x = inputs[which];
                                var buf = which == id ? y : new float[expected[which].Length];
                                m.Predict(x, buf);
                                if (!buf.AsSpan().SequenceEqual(expected[which])) mismatches[id]++;
                            }
                        }
                        catch (Exception e) { errors[id] = e; }
                    });
                    workers[t].Start();
                }
                foreach (Thread w in workers) w.Join();
            }
            Assert.That(errors, Has.All.Null);
            Assert.That(mismatches, Has.All.EqualTo(0));
        }
    }
}
