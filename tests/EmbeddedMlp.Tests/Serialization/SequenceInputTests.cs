using System;
using System.Buffers;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>Reading MessagePack bins and strings that arrive as one block or as several segments.</summary>
    [TestFixture]
    public class SequenceInputTests
    {
        private sealed class Segment : ReadOnlySequenceSegment<byte>
        {
            public Segment(byte[] bytes, Segment? previous)
            {
                Memory = bytes;
                if (previous != null)
                {
                    RunningIndex = previous.RunningIndex + previous.Memory.Length;
                    previous.Next = this;
                }
            }
        }

        [Test]
        public void OneSegmentIsReturnedWithoutCopying()
        {
            var bytes = new byte[] { 1, 2, 3 };
            ReadOnlyMemory<byte> block = MsgPackInput.Contiguous(new ReadOnlySequence<byte>(bytes));
            Assert.That(block.Length, Is.EqualTo(3));
            Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(block, out ArraySegment<byte> array) && array.Array == bytes, Is.True);
        }

        [Test]
        public void SeveralSegmentsAreJoinedInOrder()
        {
            var first = new Segment(new byte[] { 1, 2 }, null);
            var middle = new Segment(new byte[0], first);
            var last = new Segment(new byte[] { 3, 4, 5 }, middle);
            var sequence = new ReadOnlySequence<byte>(first, 0, last, 3);
            Assert.That(sequence.IsSingleSegment, Is.False);
            Assert.That(MsgPackInput.Contiguous(sequence).ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
            Assert.That(MsgPackInput.Contiguous(sequence.Slice(1, 3)).ToArray(), Is.EqualTo(new byte[] { 2, 3, 4 }));
        }
    }
}
