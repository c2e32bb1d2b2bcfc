using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Training
{
    /// <summary>Shape checks of the loss functions: each failure names the argument, what was expected and what was found.</summary>
    internal static class LossShapes
    {
        /// <summary>N from a per-row argument: at least one row.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static int Rows(int count, string name)
        {
            if (count < 1) throw new ArgumentException($"{name}: expected one entry per row (at least one row), found none.", name);
            return count;
        }

        /// <summary>N from a row-major [N, width] argument: a positive multiple of width.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static int Rows(int length, int width, string name)
        {
            if (length == 0 || length % width != 0)
                throw new ArgumentException($"{name}: expected a positive multiple of {width} floats (rows × {width}), found {length}.", name);
            return length / width;
        }

        /// <summary>The width of a row-major [N, width] argument whose N is given by <paramref name="rowsName"/>.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static int Width(int length, int rows, string name, string rowsName)
        {
            if (length == 0 || length % rows != 0)
                throw new ArgumentException($"{name}: expected {rows} rows ({rowsName} has {rows} entries) of equal width, found {length} floats.", name);
            return length / rows;
        }

        [MethodImpl(KernelHints.Optimize)]
        public static void Exactly(int length, int expected, string name, int rows, int cols)
        {
            if (length != expected)
            {
                string shape = rows == 1 ? $"{expected}" : $"{rows}×{cols} = {expected}";
                throw new ArgumentException($"{name}: expected {shape} floats, found {length}.", name);
            }
        }

        [MethodImpl(KernelHints.Optimize)]
        public static void Weights(int length, int rows)
        {
            if (length != 0 && length != rows)
                throw new ArgumentException($"sampleWeights: expected {rows} weights (one per row) or none, found {length}.", "sampleWeights");
        }

        /// <summary>Every entry of <paramref name="indices"/> in 0..cols−1.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Classes(Span<int> indices, int cols, string name)
        {
            for (int i = 0; i < indices.Length; i++)
                if ((uint)indices[i] >= (uint)cols)
                    throw new ArgumentException($"{name}[{i}]: expected an index in 0..{cols - 1}, found {indices[i]}.", name);
        }
    }
}
