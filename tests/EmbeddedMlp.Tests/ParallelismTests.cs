using System;
using System.Threading;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>
    /// <see cref="KernelDispatch.MaxDegreeOfParallelism"/> above 1: the same bits as one thread, 0 bytes allocated by the
    /// calling thread over 1,000 calls, concurrent callers. The bytes allocated by every thread of the process and the CPU
    /// time of idle workers are checked in a process of their own (<c>FrameBudgetSmokeTests</c>: the test host's own
    /// threads allocate and run while a test measures).
    /// </summary>
    [TestFixture]
    public class ParallelismTests
    {
        // Large enough that every product of a batch-64 step is split on 2 and 4 threads (≥ 4M multiply-adds per
        // thread) and every matrix-vector product of one-row inference is split too (≥ 64K weights).
        private static Mlp Model() =>
            new Mlp(256, new[] { new LayerSpec(512, Activation.Relu), new LayerSpec(512, Activation.Tanh), new LayerSpec(16, Activation.Softmax) }, 5);

        private const int Batch = 64;

        private static int[] Labels()
        {
            var y = new int[Batch];
            for (int i = 0; i < Batch; i++) y[i] = i % 16;
            return y;
        }

        private sealed class ThreadsScope : IDisposable
        {
            private readonly int _previous = KernelDispatch.MaxDegreeOfParallelism;
            public ThreadsScope(int threads) { KernelDispatch.MaxDegreeOfParallelism = threads; }
            public void Dispose() => KernelDispatch.MaxDegreeOfParallelism = _previous;
        }

        private static (float[] parameters, float[][] predictions) Run(int threads, float[] x, int[] y)
        {
            Mlp model = Model();
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = Batch, ClipNorm = 1f });
            long jobs = WorkerPool.JobsRun;
            using (new ThreadsScope(threads))
            {
                for (int i = 0; i < 10; i++) trainer.Step(x.AsSpan(0, Batch * 256), y);
                int[] rows = { 1, 2, 40, 300 };
                var predictions = new float[rows.Length][];
                for (int r = 0; r < rows.Length; r++)
                {
                    predictions[r] = new float[rows[r] * 16];
                    model.Predict(x.AsSpan(0, rows[r] * 256), predictions[r]);
                }
                if (threads > 1) Assert.That(WorkerPool.JobsRun, Is.GreaterThan(jobs + 10), "the products ran on the workers");
                return (model.Parameters.ToArray(), predictions);
            }
        }

        [TestCase(2)]
        [TestCase(4)]
        public void ResultsAreBitIdenticalToOneThread(int threads)
        {
            float[] x = TestData.Uniform(new Random(1), 300 * 256);
            int[] y = Labels();
            var (p1, o1) = Run(1, x, y);
            var (pn, on) = Run(threads, x, y);
            Assert.That(pn, Is.EqualTo(p1).AsCollection, "parameters after 10 Adam steps");
            for (int r = 0; r < o1.Length; r++) Assert.That(on[r], Is.EqualTo(o1[r]).AsCollection, $"Predict outputs, case {r}");
        }

        [TestCase(2)]
        [TestCase(4)]
        public void StepAndPredictAllocateNothingOnAnyThread(int threads)
        {
            Mlp model = Model();
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = Batch, ClipNorm = 1f });
            float[] x = TestData.Uniform(new Random(2), Batch * 256);
            int[] y = Labels();
            var one = new float[16];
            var many = new float[40 * 16];
            using (new ThreadsScope(threads))
            {
                void Calls()
                {
                    trainer.Step(x, y);
                    model.Predict(x.AsSpan(0, 256), one);
                    model.Predict(x.AsSpan(0, 40 * 256), many);
                }
                // The first round of 1,000 also pays for the first calls (JIT, workspaces, the workers' packing buffers)
                // and for this loop's own on-stack replacement; the second is the steady state.
                AllocatedOver1000(Calls);
                long jobs = WorkerPool.JobsRun;
                long thread = AllocatedOver1000(Calls);
                Assert.That(WorkerPool.JobsRun - jobs, Is.GreaterThanOrEqualTo(1000), "parallel jobs ran");
                Assert.That(thread, Is.EqualTo(0), "bytes allocated by the calling thread over 1,000 rounds");
            }
        }

        private static long AllocatedOver1000(Action calls)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) calls();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        [Test]
        public void ConcurrentPredictCallsShareThePoolAndKeepTheirBits()
        {
            Mlp model = Model();
            float[] x = TestData.Uniform(new Random(4), 8 * 256);
            var expected = new float[8][];
            for (int t = 0; t < 8; t++)
            {
                expected[t] = new float[16];
                model.Predict(x.AsSpan(t * 256, 256), expected[t]);
            }
            var mismatches = new int[8];
            using (new ThreadsScope(2))
            {
                var threads = new Thread[8];
                for (int t = 0; t < 8; t++)
                {
                    int id = t;
                    threads[t] = new Thread(() =>
                    {
                        var y = new float[16];
                        for (int i = 0; i < 300; i++)
                        {
                            model.Predict(x.AsSpan(id * 256, 256), y);
                            if (!y.AsSpan().SequenceEqual(expected[id])) mismatches[id]++;
                        }
                    });
                    threads[t].Start();
                }
                foreach (Thread th in threads) th.Join();
            }
            Assert.That(mismatches, Has.All.EqualTo(0));
        }
    }
}
