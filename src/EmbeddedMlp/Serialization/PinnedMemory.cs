using System;
using System.Buffers;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Exposes a pinned span as <see cref="Memory{T}"/> so that a <c>ReadOnlySpan&lt;byte&gt;</c> input is read in
    /// place. Valid only while the caller keeps the span pinned (inside its <c>fixed</c> block).
    /// </summary>
    internal sealed unsafe class PinnedMemory : MemoryManager<byte>
    {
        private byte* _pointer;
        private readonly int _length;

        public PinnedMemory(byte* pointer, int length)
        {
            _pointer = pointer;
            _length = length;
        }

        public override Span<byte> GetSpan() => new Span<byte>(_pointer, _length);

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            if ((uint)elementIndex > (uint)_length) throw new ArgumentOutOfRangeException(nameof(elementIndex));
            return new MemoryHandle(_pointer + elementIndex);
        }

        public override void Unpin() { }

        protected override void Dispose(bool disposing) => _pointer = null;
    }
}
