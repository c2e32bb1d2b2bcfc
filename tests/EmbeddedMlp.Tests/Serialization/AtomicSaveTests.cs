using System;
using System.IO;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>Saving to a path: a failure at any point leaves the previous file intact and no temporary file behind.</summary>
    [TestFixture]
    public class AtomicSaveTests
    {
        private string _dir = "";

        [SetUp]
        public void CreateFolder()
        {
            _dir = Path.Combine(Path.GetTempPath(), "embedded-mlp-atomic-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_dir);
        }

        [TearDown]
        public void DeleteFolder() => Directory.Delete(_dir, true);

        private sealed class InjectedFailure : Exception
        {
            public InjectedFailure() : base("injected mid-write") { }
        }

        /// <summary>Passes writes through until <paramref name="limit"/> bytes, then throws (a full disk, a crash, a bug).</summary>
        private sealed class FailingStream : Stream
        {
            private readonly Stream _inner;
            private readonly long _limit;
            private long _written;
            public FailingStream(Stream inner, long limit) { _inner = inner; _limit = limit; }
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => _inner.Length;
            public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
            public override void Flush() => _inner.Flush();
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count)
            {
                int n = (int)Math.Min(count, _limit - _written);
                _inner.Write(buffer, offset, n);
                _written += n;
                if (n < count) throw new InjectedFailure();
            }
        }

        private static Mlp Model(ulong seed) => new Mlp(50, new[] { new LayerSpec(300, Activation.Relu), new LayerSpec(4, Activation.Identity) }, seed);

        [Test]
        public void SaveCreatesAndThenReplacesTheFile()
        {
            string path = Path.Combine(_dir, "model.mlp");
            ModelFile.Save(Model(1), path);
            ModelFile.Save(Model(2), path);
            Assert.That(ModelFile.Load(path).Parameters.ToArray(), Is.EqualTo(Model(2).Parameters.ToArray()));
            Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
        }

        [TestCase(0L)]
        [TestCase(1L)]
        [TestCase(1000L)]
        [TestCase(65536L)]
        [TestCase(65537L)]
        public void FailureMidWriteKeepsThePreviousFileAndRemovesTheTemporaryOne(long failAfter)
        {
            string path = Path.Combine(_dir, "model.mlp");
            ModelFile.Save(Model(1), path);
            byte[] previous = File.ReadAllBytes(path);
            Assert.That(previous.Length, Is.GreaterThan(65537));

            Assert.Throws<InjectedFailure>(() => AtomicFile.Write(path, s => ModelFile.Save(Model(2), new FailingStream(s, failAfter))));

            Assert.That(File.ReadAllBytes(path), Is.EqualTo(previous));
            Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }), "no temporary file is left behind");
        }

        [Test]
        public void FailureBeforeTheFirstSaveLeavesNoFileAtAll()
        {
            string path = Path.Combine(_dir, "new.mlp");
            Assert.Throws<InjectedFailure>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InjectedFailure(); }));
            Assert.That(Directory.GetFiles(_dir), Is.Empty);
        }

        [Test]
        public void TheTemporaryFileLivesInTheTargetFolder()
        {
            string path = Path.Combine(_dir, "model.mlp");
            string[] during = Array.Empty<string>();
            AtomicFile.Write(path, s => { s.WriteByte(0x80); s.Flush(); during = Directory.GetFiles(_dir); });
            Assert.That(during.Length, Is.EqualTo(1));
            Assert.That(Path.GetDirectoryName(during[0]), Is.EqualTo(_dir));
            Assert.That(during[0], Is.Not.EqualTo(path));
            Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
        }
    }
}
