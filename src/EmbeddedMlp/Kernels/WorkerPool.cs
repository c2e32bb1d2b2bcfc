using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace EmbeddedMlp.Kernels
{
    /// <summary>One part of a job that <see cref="WorkerPool"/> splits across threads; preallocated by its kernel.</summary>
    internal abstract class ParallelWork
    {
        /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
        public abstract void Run(int part, int parts);
    }

    /// <summary>
    /// Persistent worker threads for the kernels: created once, when <see cref="KernelDispatch.MaxDegreeOfParallelism"/>
    /// is first set above 1 (more are added if it is raised later), and reused by every parallel product — no
    /// <c>Task</c>, closure or array per call, so a parallel call allocates nothing.
    /// <para>One job at a time: a caller that finds the pool busy (another thread's product is running on it) runs its
    /// whole product on its own thread, which gives the same bits (each output element is computed by the same code
    /// whatever thread computes it).</para>
    /// <para>Spin, then block: a worker that finishes a part keeps polling for the next job for
    /// <see cref="SpinMicroseconds"/> (the products of one training step or forward pass follow each other within
    /// microseconds, and a blocked thread takes tens of microseconds to wake), then blocks on its own semaphore until a
    /// caller hands it a part. Between frames the workers are therefore blocked and use no CPU.</para>
    /// </summary>
    internal static class WorkerPool
    {
        /// <summary>How long an idle worker polls for the next job before it blocks.</summary>
        public const int SpinMicroseconds = 200;

        private static readonly object s_grow = new object();
        private static Worker[] s_workers = Array.Empty<Worker>();
        private static int s_busy;               // 1 while a caller owns the pool
        private static int s_remaining;          // parts of the current job not yet finished by workers
        private static Exception? s_failure;

        /// <summary>Jobs run on more than one thread so far (for tests: proof that the parallel path ran).</summary>
        internal static long JobsRun;

        /// <summary>Worker threads that exist (the caller's thread is not counted).</summary>
        public static int WorkerCount => Volatile.Read(ref s_workers).Length;

        /// <summary>Makes sure at least <paramref name="count"/> workers exist.</summary>
        public static void EnsureWorkers(int count)
        {
            if (count <= WorkerCount) return;
            lock (s_grow)
            {
                Worker[] old = s_workers;
                if (count <= old.Length) return;
                var grown = new Worker[count];
                Array.Copy(old, grown, old.Length);
                for (int i = old.Length; i < count; i++) grown[i] = new Worker(i);
                Volatile.Write(ref s_workers, grown);
                for (int i = old.Length; i < count; i++) grown[i].Start();
            }
        }

        /// <summary>
        /// Takes the pool for one job of <paramref name="parts"/> parts, or returns false when another caller's job is
        /// running on it or there are too few workers (the caller then runs the work itself). After true, the caller
        /// fills its job and must call <see cref="RunClaimed"/>.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static bool TryClaim(int parts) =>
            parts >= 2 && parts - 1 <= Volatile.Read(ref s_workers).Length && Interlocked.CompareExchange(ref s_busy, 1, 0) == 0;

        /// <summary>
        /// Runs <paramref name="job"/> as <paramref name="parts"/> parts — part 0 on the calling thread, the others on
        /// workers — returns when all are done, and releases the pool taken by <see cref="TryClaim"/>.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void RunClaimed(ParallelWork job, int parts)
        {
            Worker[] workers = Volatile.Read(ref s_workers);
            try
            {
                s_failure = null;
                Volatile.Write(ref s_remaining, parts - 1);
                for (int i = 0; i < parts - 1; i++) workers[i].Assign(job, i + 1, parts);
                job.Run(0, parts);
                int polls = 0;
                while (Volatile.Read(ref s_remaining) != 0) Pause(ref polls);
                JobsRun++;
                if (s_failure != null) throw new InvalidOperationException("A kernel worker thread failed.", s_failure);
            }
            finally
            {
                for (int i = 0; i < parts - 1; i++) workers[i].Clear();
                Volatile.Write(ref s_busy, 0);
            }
        }

        /// <summary>
        /// One turn of a polling loop: mostly pause instructions; every 64th turn gives the core to another ready thread
        /// (more threads than cores). Never sleeps, which would cost a whole scheduler tick.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Pause(ref int polls)
        {
            if (++polls % 64 == 0) Thread.Yield();
            else Thread.SpinWait(20);
        }

        /// <summary>A worker thread with its own mailbox: the pool's owner assigns it one part at a time.</summary>
        private sealed class Worker
        {
            private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);
            private readonly Thread _thread;
            private int _ticket;     // incremented by Assign, after the fields below are written
            private int _sleeping;   // 1 while the worker is (about to be) blocked on _signal
            private ParallelWork? _job;
            private int _part, _parts;

            public Worker(int index)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = "EmbeddedMlp worker " + (index + 1) };
            }

            public void Start() => _thread.Start();

            /// <summary>Hands the worker one part (its previous part is finished: the owner waited for it).</summary>
            [MethodImpl(KernelHints.Optimize)]
            public void Assign(ParallelWork job, int part, int parts)
            {
                _job = job;
                _part = part;
                _parts = parts;
                Interlocked.Increment(ref _ticket); // publishes the fields above
                if (Interlocked.Exchange(ref _sleeping, 0) == 1) _signal.Release();
            }

            /// <summary>Drops the reference to a finished job.</summary>
            public void Clear() => _job = null;

            [MethodImpl(KernelHints.Optimize)]
            private void Loop()
            {
                int seen = 0;
                long spinTicks = SpinMicroseconds * Stopwatch.Frequency / 1_000_000;
                while (true)
                {
                    long idleSince = Stopwatch.GetTimestamp();
                    int polls = 0;
                    while (Volatile.Read(ref _ticket) == seen)
                    {
                        if (Stopwatch.GetTimestamp() - idleSince < spinTicks)
                        {
                            Pause(ref polls);
                            continue;
                        }
                        // Block. A part assigned between this flag and the re-check is seen by the re-check; one assigned
                        // after it finds the flag set and releases the semaphore (a spare release only costs one extra
                        // turn of this loop).
                        Interlocked.Exchange(ref _sleeping, 1);
                        if (Volatile.Read(ref _ticket) == seen) _signal.Wait();
                        Interlocked.Exchange(ref _sleeping, 0);
                        idleSince = Stopwatch.GetTimestamp();
                    }
                    seen = Volatile.Read(ref _ticket);
                    try
                    {
                        _job!.Run(_part, _parts);
                    }
                    catch (Exception e)
                    {
                        s_failure = e;
                    }
                    Interlocked.Decrement(ref s_remaining);
                }
            }
        }
    }
}
