using System;
using System.Runtime.CompilerServices;
#if NET5_0_OR_GREATER
using System.Runtime.InteropServices;
#endif

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// A zeroed float buffer whose first element starts a 64-byte cache line. The collector places an array's data
    /// 8-byte aligned, so a buffer made with <c>new float[n]</c> starts at a random multiple of 8 bytes within its
    /// line, and then one 32-byte vector load in two of an aligned-width row straddles two lines: a 32-64-64-4 model's
    /// one-row <c>Predict</c> took 272–277 ns with its parameters 40, 48 or 56 bytes into a line and 242 ns with them
    /// on a line boundary (four models in one process, minimum of 60 rounds of 20,000 calls each). In the net8.0 and
    /// net10.0 builds the array lives on the pinned object heap, so the alignment holds for its lifetime (such arrays
    /// are freed only by full collections: models and trainers are long-lived). The netstandard2.1 build aligns the
    /// array where it is allocated; Unity's collectors do not move objects, and if another runtime's collector (Mono's
    /// SGen, .NET Core 3.1 or .NET 5–7) moves it, the buffer stays correct, only no longer aligned.
    /// </summary>
    internal readonly struct AlignedBuffer
    {
        /// <summary>Bytes of alignment: one cache line.</summary>
        public const int Alignment = 64;
        private const int Slack = Alignment / sizeof(float) - 1;

        private readonly float[] _array;
        private readonly int _offset;

        private AlignedBuffer(float[] array, int offset, int length)
        {
            _array = array;
            _offset = offset;
            Length = length;
        }

        /// <summary>Floats in the buffer.</summary>
        public int Length { get; }

        /// <summary>The buffer (<see cref="Length"/> floats from the aligned start).</summary>
        public Span<float> Span
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => new Span<float>(_array, _offset, Length);
        }

        /// <summary>A zeroed buffer of <paramref name="length"/> floats (≥ 0) starting on a 64-byte boundary.</summary>
        public static unsafe AlignedBuffer Allocate(int length)
        {
            if (length < 0)
                throw new ArgumentOutOfRangeException(nameof(length), length, $"length: expected at least 0, found {length}.");
            if (length == 0) return new AlignedBuffer(Array.Empty<float>(), 0, 0);
            if (length > int.MaxValue - Slack)
                throw new ArgumentOutOfRangeException(nameof(length), length, $"length: expected at most {int.MaxValue - Slack} floats, found {length}.");
#if NET5_0_OR_GREATER
            float[] array = GC.AllocateArray<float>(length + Slack, pinned: true);
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
#else
            var array = new float[length + Slack];
            nuint address;
            fixed (float* p = array) address = (nuint)p;
#endif
            int misalignment = (int)(address % Alignment);
            // The collector aligns array data to at least 4 bytes, so whole floats reach the next line.
            int offset = misalignment == 0 ? 0 : (Alignment - misalignment) / sizeof(float);
            return new AlignedBuffer(array, offset, length);
        }
    }
}
