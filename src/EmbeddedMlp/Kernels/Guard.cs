using System;

namespace EmbeddedMlp.Kernels
{
    /// <summary>Shape checks shared by the kernels: one message format, naming the argument.</summary>
    internal static class Guard
    {
        public static void Dimensions(int m, int n, int k)
        {
            if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, $"m: expected 0 or more, found {m}.");
            if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"n: expected 0 or more, found {n}.");
            if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"k: expected 0 or more, found {k}.");
        }

        /// <summary>Checks that a span holds a rows×cols matrix; formats the message only when it does not.</summary>
        public static void AtLeast(int length, int rows, int cols, string name)
        {
            long required = (long)rows * cols;
            if (length < required)
                throw new ArgumentException($"{name}: expected at least {required} elements ({rows}×{cols}), found {length}.", name);
        }
    }
}
