using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using EmbeddedMlp.Kernels;
using MessagePack;

namespace EmbeddedMlp.Serialization
{
    /// <summary>Float arrays ⇄ little-endian f32/f16 bin blobs: bulk, chunked, without intermediate arrays.</summary>
    internal static class BlobCodec
    {
        private const int ChunkElements = 16384;

        public static int ElementSize(ModelDtype dtype) => dtype == ModelDtype.F16 ? 2 : 4;

        public static string Name(ModelDtype dtype) => dtype == ModelDtype.F16 ? "f16" : "f32";

        /// <summary>Index of the first NaN or ±∞ element of a blob, or −1; <paramref name="what"/> gets its name.</summary>
        public static int FindNonFinite(ReadOnlySpan<byte> blob, ModelDtype dtype, out string what)
        {
            what = "";
            if (dtype == ModelDtype.F16)
            {
                for (int i = 0; i < blob.Length / 2; i++)
                {
                    ushort h = BinaryPrimitives.ReadUInt16LittleEndian(blob.Slice(2 * i));
                    if (HalfPrecision.IsNonFinite(h)) { what = Describe(HalfPrecision.FromHalfBits(h)); return i; }
                }
                return -1;
            }
            for (int i = 0; i < blob.Length / 4; i++)
            {
                uint bits = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(4 * i));
                if ((bits & 0x7F800000u) == 0x7F800000u) { what = Describe(BitConverter.Int32BitsToSingle((int)bits)); return i; }
            }
            return -1;
        }

        private static string Describe(float x) => float.IsNaN(x) ? "NaN" : x > 0 ? "+∞" : "−∞";

        /// <summary>Decodes <paramref name="blob"/> (exactly <c>destination.Length</c> elements) into <paramref name="destination"/>.</summary>
        public static void Decode(ReadOnlySpan<byte> blob, ModelDtype dtype, Span<float> destination)
        {
            if (dtype == ModelDtype.F16)
            {
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = HalfPrecision.FromHalfBits(BinaryPrimitives.ReadUInt16LittleEndian(blob.Slice(2 * i)));
                return;
            }
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(blob.Slice(0, destination.Length * 4)).CopyTo(destination);
                return;
            }
            for (int i = 0; i < destination.Length; i++)
                destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(blob.Slice(4 * i)));
        }

        /// <summary>Writes <paramref name="values"/> as one bin (header, then the elements in chunks straight into the writer's buffer).</summary>
        public static void Write(ref MessagePackWriter writer, ReadOnlySpan<float> values, ModelDtype dtype)
        {
            int size = ElementSize(dtype);
            writer.WriteBinHeader(values.Length * size);
            for (int start = 0; start < values.Length; start += ChunkElements)
            {
                int n = Math.Min(ChunkElements, values.Length - start);
                Span<byte> span = writer.GetSpan(n * size).Slice(0, n * size);
                Span<float> chunk = SpanAccess.View(values.Slice(start, n)); // read only (see SpanAccess)
                if (dtype == ModelDtype.F16)
                {
                    for (int i = 0; i < n; i++)
                        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(2 * i), HalfPrecision.ToHalfBits(chunk[i]));
                }
                else if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(chunk).CopyTo(span);
                }
                else
                {
                    for (int i = 0; i < n; i++)
                        BinaryPrimitives.WriteInt32LittleEndian(span.Slice(4 * i), BitConverter.SingleToInt32Bits(chunk[i]));
                }
                writer.Advance(n * size);
            }
        }
    }
}
