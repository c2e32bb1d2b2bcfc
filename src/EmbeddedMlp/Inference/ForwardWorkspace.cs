using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;
using Microsoft.Extensions.ObjectPool;

namespace EmbeddedMlp.Inference
{
    /// <summary>Two ping-pong activation buffers of <c>rows × maxWidth</c> floats for one forward pass.</summary>
    internal sealed class ForwardWorkspace
    {
        private readonly float[] _a, _b;

        public ForwardWorkspace(int rows, int maxWidth)
        {
            Rows = rows;
            _a = new float[rows * maxWidth];
            _b = new float[rows * maxWidth];
        }

        /// <summary>Row capacity.</summary>
        public int Rows { get; }

        [MethodImpl(KernelHints.Optimize)]
        public Span<float> Buffer(int which) => which == 0 ? _a : _b;
    }

    /// <summary>
    /// Workspaces pooled per power-of-two row capacity (1, 2, 4 … <see cref="MaxRows"/>), so a steady mix of batch
    /// sizes reuses the same buffers and allocates nothing. Thread-safe (one <see cref="DefaultObjectPool{T}"/> per
    /// bucket). Larger batches are run in chunks of <see cref="MaxRows"/> rows by the caller.
    /// </summary>
    internal sealed class ForwardWorkspacePool
    {
        public const int MaxRows = 256;
        private const int Buckets = 9; // 2^0 .. 2^8

        private readonly ObjectPool<ForwardWorkspace>[] _pools = new ObjectPool<ForwardWorkspace>[Buckets];

        public ForwardWorkspacePool(int maxWidth)
        {
            int retained = Math.Max(16, 2 * Environment.ProcessorCount);
            for (int b = 0; b < Buckets; b++)
                _pools[b] = new DefaultObjectPool<ForwardWorkspace>(new Policy(1 << b, maxWidth), retained);
        }

        [MethodImpl(KernelHints.Optimize)]
        public ForwardWorkspace Rent(int rows) => _pools[BucketOf(rows)].Get();

        [MethodImpl(KernelHints.Optimize)]
        public void Return(ForwardWorkspace workspace) => _pools[BucketOf(workspace.Rows)].Return(workspace);

        [MethodImpl(KernelHints.Optimize)]
        private static int BucketOf(int rows)
        {
            int b = 0;
            while ((1 << b) < rows) b++;
            return b;
        }

        private sealed class Policy : IPooledObjectPolicy<ForwardWorkspace>
        {
            private readonly int _rows, _maxWidth;
            public Policy(int rows, int maxWidth) { _rows = rows; _maxWidth = maxWidth; }
            public ForwardWorkspace Create() => new ForwardWorkspace(_rows, _maxWidth);
            [MethodImpl(KernelHints.Optimize)]
            public bool Return(ForwardWorkspace obj) => true;
        }
    }
}
