using System;
using System.Runtime.CompilerServices;
using System.Threading;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Inference
{
    /// <summary>Two ping-pong activation buffers of <c>rows × maxWidth</c> floats for one forward pass.</summary>
    internal sealed class ForwardWorkspace
    {
        private readonly AlignedBuffer _a, _b;

        public ForwardWorkspace(int rows, int maxWidth)
        {
            Rows = rows;
            _a = AlignedBuffer.Allocate(rows * maxWidth);
            _b = AlignedBuffer.Allocate(rows * maxWidth);
        }

        /// <summary>Row capacity.</summary>
        public int Rows { get; }

        [MethodImpl(KernelHints.Optimize)]
        public Span<float> Buffer(int which) => which == 0 ? _a.Span : _b.Span;
    }

    /// <summary>
    /// Workspaces pooled per power-of-two row capacity (1, 2, 4 … <see cref="MaxRows"/>), so a steady mix of batch
    /// sizes reuses the same buffers and allocates nothing. Thread-safe and lock-free: each bucket is a small array of
    /// slots taken and given back with one interlocked exchange; a workspace is created only when more threads predict
    /// at once than ever before, and one returned to a full bucket is left to the collector. Written here rather than
    /// taken from Microsoft.Extensions.ObjectPool so that renting, like the rest of <see cref="Mlp.Predict"/>, is
    /// compiled fully optimised at its first call (a library's methods start at tier 0 and are recompiled later).
    /// Larger batches are run in chunks of <see cref="MaxRows"/> rows by the caller.
    /// </summary>
    internal sealed class ForwardWorkspacePool
    {
        public const int MaxRows = 256;
        private const int Buckets = 9; // 2^0 .. 2^8

        private readonly ForwardWorkspace?[][] _slots = new ForwardWorkspace?[Buckets][];
        private readonly int _maxWidth;

        public ForwardWorkspacePool(int maxWidth)
        {
            _maxWidth = maxWidth;
            int retained = Math.Max(16, 2 * Environment.ProcessorCount);
            for (int b = 0; b < Buckets; b++) _slots[b] = new ForwardWorkspace?[retained];
        }

        [MethodImpl(KernelHints.Optimize)]
        public ForwardWorkspace Rent(int rows)
        {
            int bucket = BucketOf(rows);
            ForwardWorkspace?[] slots = _slots[bucket];
            for (int i = 0; i < slots.Length; i++)
            {
                if (Volatile.Read(ref slots[i]) == null) continue;
                ForwardWorkspace? w = Interlocked.Exchange(ref slots[i], null);
                if (w != null) return w;
            }
            return new ForwardWorkspace(1 << bucket, _maxWidth);
        }

        [MethodImpl(KernelHints.Optimize)]
        public void Return(ForwardWorkspace workspace)
        {
            ForwardWorkspace?[] slots = _slots[BucketOf(workspace.Rows)];
            for (int i = 0; i < slots.Length; i++)
                if (Volatile.Read(ref slots[i]) == null && Interlocked.CompareExchange(ref slots[i], workspace, null) == null) return;
        }

        [MethodImpl(KernelHints.Optimize)]
        private static int BucketOf(int rows)
        {
            int b = 0;
            while ((1 << b) < rows) b++;
            return b;
        }
    }
}
