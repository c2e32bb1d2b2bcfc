using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>Shape checks shared by the kernels: one message format, naming the argument.</summary>
    internal static class Guard
    {
        /// <summary>Throws unless m, n and k are all ≥ 0 (one test inline; the message is built only on failure).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Dimensions(int m, int n, int k)
        {
            if ((m | n | k) < 0) FailDimensions(m, n, k);
        }

        /// <summary>Throws unless <paramref name="length"/> ≥ <paramref name="required"/> (a rows×cols operand); formats only on failure.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AtLeast(int length, long required, string name, int rows, int cols)
        {
            if (length < required) Fail(length, required, name, rows, cols);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void FailDimensions(int m, int n, int k)
        {
            if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, $"m: expected 0 or more, found {m}.");
            if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"n: expected 0 or more, found {n}.");
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k: expected 0 or more, found {k}.");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Fail(int length, long required, string name, int rows, int cols)
        {
            string shape = rows == 1 ? $"{cols}" : $"{rows}×{cols}";
            throw new ArgumentException($"{name}: expected at least {required} elements ({shape}), found {length}.", name);
        }
    }
}
