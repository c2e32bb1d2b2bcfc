using System;
using System.Buffers;
using System.IO;

namespace EmbeddedMlp.Serialization
{
    /// <summary>An <see cref="IBufferWriter{T}"/> that hands out a pooled buffer and writes it to a stream when full.</summary>
    internal sealed class StreamBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private readonly Stream _stream;
        private byte[] _buffer;
        private int _used;

        public StreamBufferWriter(Stream stream)
        {
            _stream = stream;
            _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        }

        public void Advance(int count)
        {
            if (count < 0 || _used + count > _buffer.Length)
                throw new ArgumentOutOfRangeException(nameof(count), count, $"count: expected 0..{_buffer.Length - _used}, found {count}.");
            _used += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsMemory(_used);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsSpan(_used);
        }

        private void Ensure(int sizeHint)
        {
            sizeHint = Math.Max(sizeHint, 1);
            if (_buffer.Length - _used >= sizeHint) return;
            Flush();
            if (_buffer.Length < sizeHint)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(sizeHint);
            }
        }

        /// <summary>Writes what is buffered to the stream.</summary>
        public void Flush()
        {
            if (_used > 0) _stream.Write(_buffer, 0, _used);
            _used = 0;
        }

        public void Dispose()
        {
            byte[] b = _buffer;
            _buffer = Array.Empty<byte>();
            _used = 0;
            if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
        }
    }
}
