#if !UNITY_5_3_OR_NEWER // the command-line tool is not part of a Unity project
using System.IO;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Cli
{
    /// <summary>The real executable (Program.Main) as a process: exit codes and streams as a shell sees them.</summary>
    [TestFixture]
    public class CliProcessTests
    {
        private static CliRun RunProcess(params string[] args) => CliHarness.RunExecutable(new (string, string)[0], args);

        private static CliRun RunProcessWith((string name, string value)[] environment, params string[] args) =>
            CliHarness.RunExecutable(environment, args);

        /// <summary>
        /// EMBEDDEDMLP_DETERMINISTIC=1: training on the scalar path and on the best path writes the same file bytes, and
        /// predict prints the same outputs (without the variable the two paths differ in the last bits).
        /// </summary>
        [Test]
        public void DeterministicModeGivesTheSameFileOnEveryPath()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(120, 41, header: true));
                string inputs = h.Write("x.csv", CliHarness.Blobs(37, 42, header: true, withLabels: false));
                string[] paths = { "scalar", "vector", "best" };
                byte[]? reference = null;
                string? referenceOutputs = null;
                foreach (string path in paths)
                {
                    var env = new[] { ("EMBEDDEDMLP_DETERMINISTIC", "1"), ("EMBEDDEDMLP_KERNELS", path) };
                    string model = h.PathOf(path + ".mlp");
                    CliRun train = RunProcessWith(env, "train", "--data", data, "--out", model, "--layers", "16:tanh,12:sigmoid,3:softmax",
                        "--epochs", "4", "--batch", "10", "--clip-norm", "1");
                    Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
                    Assert.That(train.Stdout, Does.Contain("deterministic mode"), train.ToString());
                    CliRun predict = RunProcessWith(env, "predict", "--model", model, "--input", inputs);
                    Assert.That(predict.ExitCode, Is.EqualTo(0), predict.ToString());
                    byte[] bytes = File.ReadAllBytes(model);
                    if (reference == null) { reference = bytes; referenceOutputs = predict.Stdout; continue; }
                    Assert.That(bytes, Is.EqualTo(reference), $"model file trained on {path} vs scalar");
                    Assert.That(predict.Stdout, Is.EqualTo(referenceOutputs), $"predict on {path} vs scalar");
                }
            }
        }

        [Test]
        public void ExitCodesAndStreamsOfTheExecutable()
        {
            using (var h = new CliHarness())
            {
                CliRun missing = RunProcess("inspect", h.PathOf("missing.mlp"));
                Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
                Assert.That(missing.StderrLines.Length, Is.EqualTo(1), missing.ToString());
                Assert.That(missing.Stderr, Does.StartWith("error: ").And.Contain("missing.mlp"));

                CliRun usage = RunProcess("train", "--bogus");
                Assert.That(usage.ExitCode, Is.EqualTo(1), usage.ToString());
                Assert.That(usage.Stderr, Does.Contain("Usage:"));

                string data = h.Write("d.csv", CliHarness.Blobs(30, 31, header: true));
                CliRun train = RunProcess("train", "--data", data, "--out", h.PathOf("m.mlp"), "--layers", "3:softmax", "--epochs", "2");
                Assert.That(train.ExitCode, Is.EqualTo(0), train.ToString());
                Assert.That(train.Stdout, Does.StartWith("epoch 1/2  loss "), "redirected stdout: plain lines, no live bar");
                Assert.That(File.Exists(h.PathOf("m.mlp")), Is.True);
            }
        }
    }
}
#endif
