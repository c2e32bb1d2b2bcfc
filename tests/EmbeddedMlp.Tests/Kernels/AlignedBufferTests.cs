#if !UNITY_5_3_OR_NEWER // reads addresses, which needs unsafe code; Unity's test assembly does not allow it
using System;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// The arenas the kernels stream (parameters, gradients, optimizer moments, activations, workspaces) start on a
    /// 64-byte cache line, whatever the collector's placement, and stay there across collections.
    /// </summary>
    [TestFixture]
    public class AlignedBufferTests
    {
        private static unsafe long Misalignment(ReadOnlySpan<float> span)
        {
            fixed (float* p = span) return (long)p % AlignedBuffer.Alignment;
        }

        [Test]
        public void EveryLengthStartsOnALineIsZeroedAndHasItsLength()
        {
            var keep = new object[200];
            for (int length = 1; length < 200; length++)
            {
                keep[length] = new byte[length % 13]; // vary where the next array lands
                AlignedBuffer buffer = AlignedBuffer.Allocate(length);
                Assert.That(buffer.Length, Is.EqualTo(length));
                Assert.That(buffer.Span.Length, Is.EqualTo(length));
                Assert.That(Misalignment(buffer.Span), Is.EqualTo(0), $"length {length}");
                foreach (float v in buffer.Span) Assert.That(v, Is.EqualTo(0f));
                buffer.Span.Fill(1f); // the whole length is writable
            }
            GC.KeepAlive(keep);
        }

        [Test]
        public void EmptyAndNegativeLengths()
        {
            Assert.That(AlignedBuffer.Allocate(0).Span.Length, Is.EqualTo(0));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => AlignedBuffer.Allocate(-1));
            Assert.That(e!.Message, Does.Contain("length: expected at least 0, found -1"));
        }

#if NET5_0_OR_GREATER
        [Test]
        public void ModelAndTrainerArenasStayAlignedAcrossCompactingCollections()
        {
            var keep = new object[64];
            for (int trial = 0; trial < 16; trial++)
            {
                keep[trial] = new byte[trial * 8 + 4];
                var model = new Mlp(33, new[] { new LayerSpec(17, Activation.Tanh), new LayerSpec(5, Activation.Softmax) }, (ulong)trial);
                var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 7, Optimizer = OptimizerSettings.Adam(1e-3f) });
                var x = new float[7 * 33];
                var labels = new int[7];
                trainer.Step(x, labels);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Assert.That(Misalignment(model.Parameters), Is.EqualTo(0), "parameters");
                Assert.That(Misalignment(trainer.Gradients), Is.EqualTo(0), "gradients");
                var adam = (AdamOptimizer)trainer.OptimizerState;
                Assert.That(Misalignment(adam.FirstMoment), Is.EqualTo(0), "exp_avg");
                Assert.That(Misalignment(adam.SecondMoment), Is.EqualTo(0), "exp_avg_sq");
            }
            GC.KeepAlive(keep);
        }
#endif
    }
}
#endif
