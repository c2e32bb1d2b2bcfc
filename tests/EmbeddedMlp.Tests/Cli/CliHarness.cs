#if !UNITY_5_3_OR_NEWER // the command-line tool is not part of a Unity project
using System;
using System.Globalization;
using System.IO;
using System.Text;
using EmbeddedMlp.Cli;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Cli
{
    /// <summary>What one in-process run of the CLI printed and returned.</summary>
    internal sealed class CliRun
    {
        public CliRun(int exitCode, string stdout, string stderr)
        {
            ExitCode = exitCode;
            Stdout = stdout;
            Stderr = stderr;
        }

        public int ExitCode { get; }
        public string Stdout { get; }
        public string Stderr { get; }

        public string[] StderrLines => Stderr.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>Runs the CLI in-process in a temporary folder and generates its input files.</summary>
    internal sealed class CliHarness : IDisposable
    {
        public CliHarness()
        {
            Folder = Path.Combine(Path.GetTempPath(), "embedded-mlp-cli-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Folder);
        }

        public string Folder { get; }

        public string PathOf(string name) => Path.Combine(Folder, name);

        public CliRun Run(params string[] args)
        {
            var stdout = new StringWriter(CultureInfo.InvariantCulture);
            var stderr = new StringWriter(CultureInfo.InvariantCulture);
            int code = CommandLineApp.Run(args, stdout, stderr);
            return new CliRun(code, stdout.ToString(), stderr.ToString());
        }

        /// <summary>
        /// The real executable (embedded-mlp.dll, copied next to the tests by the project reference) as a process, with
        /// <paramref name="environment"/> added to this process's variables: exit code and streams as a shell sees them.
        /// </summary>
        public static CliRun RunExecutable((string name, string value)[] environment, params string[] args)
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "embedded-mlp.dll");
            Assert.That(File.Exists(dll), Is.True, dll + " (copied by the ProjectReference)");
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            var start = new System.Diagnostics.ProcessStartInfo(string.IsNullOrEmpty(host) ? "dotnet" : host!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (name, value) in environment) start.Environment[name] = value;
            start.ArgumentList.Add(dll);
            foreach (string a in args) start.ArgumentList.Add(a);
            using (System.Diagnostics.Process p = System.Diagnostics.Process.Start(start)!)
            {
                string stdout = p.StandardOutput.ReadToEndAsync().GetAwaiter().GetResult();
                string stderr = p.StandardError.ReadToEnd();
                Assert.That(p.WaitForExit(60000), Is.True, "the process ends");
                return new CliRun(p.ExitCode, stdout, stderr);
            }
        }

        /// <summary>
        /// Asserts an input error as the CLI reports one: exit code 2, one line on stderr starting "error: ", no stack trace
        /// or exception type, and each of <paramref name="fragments"/> in it.
        /// </summary>
        public static void AssertInputError(CliRun run, params string[] fragments)
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines.Length, Is.EqualTo(1), run.ToString());
            Assert.That(run.Stderr, Does.StartWith("error: ").And.EndWith("\n"));
            Assert.That(run.Stderr, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace or exception type");
            foreach (string f in fragments) Assert.That(run.Stderr, Does.Contain(f));
        }

        /// <summary>Runs and asserts exit code 0.</summary>
        public CliRun Ok(params string[] args)
        {
            CliRun run = Run(args);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            return run;
        }

        public string Write(string name, string text)
        {
            string path = PathOf(name);
            File.WriteAllText(path, text, new UTF8Encoding(false));
            return path;
        }

        public string Write(string name, byte[] bytes)
        {
            string path = PathOf(name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        /// <summary>
        /// Three Gaussian blobs in 2-D (centres (0,0), (2.5,2.5), (−2.5,2.5), σ 0.6): a classification set that a small
        /// MLP separates to ≥ 97%. Columns x, y, class; with a header line when <paramref name="header"/>.
        /// </summary>
        public static string Blobs(int rows, int seed, bool header, bool withLabels = true)
        {
            var rng = new Random(seed);
            var sb = new StringBuilder();
            if (header) sb.Append(withLabels ? "x,y,class\n" : "x,y\n");
            double[] cx = { 0, 2.5, -2.5 }, cy = { 0, 2.5, 2.5 };
            for (int i = 0; i < rows; i++)
            {
                int c = i % 3;
                double x = cx[c] + 0.6 * Gaussian(rng), y = cy[c] + 0.6 * Gaussian(rng);
                sb.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(y.ToString("R", CultureInfo.InvariantCulture));
                if (withLabels) sb.Append(',').Append(c.ToString(CultureInfo.InvariantCulture));
                sb.Append('\n');
            }
            return sb.ToString();
        }

        /// <summary>Labels of <see cref="Blobs"/> rows (class = row index mod 3).</summary>
        public static int LabelOf(int row) => row % 3;

        /// <summary>Regression set: 3 inputs in [−1, 1], targets 2·x0 − x1 and x2².</summary>
        public static string Regression(int rows, int seed)
        {
            var rng = new Random(seed);
            var sb = new StringBuilder();
            for (int i = 0; i < rows; i++)
            {
                double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1, c = rng.NextDouble() * 2 - 1;
                sb.AppendFormat(CultureInfo.InvariantCulture, "{0:R},{1:R},{2:R},{3:R},{4:R}\n", a, b, c, 2 * a - b, c * c);
            }
            return sb.ToString();
        }

        private static double Gaussian(Random rng)
        {
            double u = 1.0 - rng.NextDouble(), v = rng.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }

        public void Dispose()
        {
            try { Directory.Delete(Folder, true); }
            catch (IOException) { }
        }
    }
}
#endif
