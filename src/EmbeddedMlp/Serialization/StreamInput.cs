using System;
using System.Buffers;
using System.IO;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Reads a whole stream into a pooled buffer, growing with the bytes that really arrive (a stream's claimed
    /// length is only trusted to refuse early) and never past <see cref="ModelLoadOptions.MaxFileBytes"/>.
    /// </summary>
    internal static class StreamInput
    {
        /// <summary>The stream's bytes in <paramref name="buffer"/>[0..return value); give the buffer back with <see cref="Release"/>.</summary>
        public static int ReadAll(Stream stream, long maxBytes, out byte[] buffer)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            int initial = 64 * 1024;
            if (stream.CanSeek)
            {
                long left = stream.Length - stream.Position;
                if (left > maxBytes)
                    throw new ModelFormatException("(file)", $"at most {maxBytes} bytes (ModelLoadOptions.MaxFileBytes)", $"{left} bytes");
                initial = (int)Math.Max(1, left + 1); // +1 so that the end is seen without growing
            }
            buffer = ArrayPool<byte>.Shared.Rent(initial);
            int used = 0;
            try
            {
                while (true)
                {
                    if (used == buffer.Length)
                    {
                        if (used > maxBytes) break;
                        long grown = Math.Min((long)buffer.Length * 2, Math.Min(maxBytes + 1, int.MaxValue - 64));
                        if (grown <= buffer.Length) break;
                        byte[] bigger = ArrayPool<byte>.Shared.Rent((int)grown);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, used);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    int n = stream.Read(buffer, used, buffer.Length - used);
                    if (n <= 0) break;
                    used += n;
                }
                if (used > maxBytes)
                    throw new ModelFormatException("(file)", $"at most {maxBytes} bytes (ModelLoadOptions.MaxFileBytes)", $"more than {maxBytes} bytes");
                return used;
            }
            catch
            {
                Release(buffer);
                buffer = Array.Empty<byte>();
                throw;
            }
        }

        public static void Release(byte[] buffer)
        {
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
