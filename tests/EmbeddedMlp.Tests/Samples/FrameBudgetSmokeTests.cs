#if !UNITY_5_3_OR_NEWER // runs the console samples, which are not part of a Unity project
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using EmbeddedMlp.Samples.FrameBudget;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Samples
{
    /// <summary>The FrameBudget sample on its smallest model, briefly: every row measured, nothing allocated.</summary>
    [TestFixture]
    public class FrameBudgetSmokeTests
    {
        [Test]
        public void SmallModelRowsAreMeasuredAndAllocateNothing()
        {
            var models = new[] { ReferenceModel.Find("32-64-64-4") };
            List<BudgetRow> rows = FrameBudgetRun.Run(models, batch: null, budgetMs: 20);

            Assert.That(rows.Count, Is.EqualTo(3));
            Assert.That(rows[0].Operation, Is.EqualTo("inference"));
            Assert.That(rows[0].Rows, Is.EqualTo(1));
            Assert.That(rows[1].Rows, Is.EqualTo(32), "the model's reference batch");
            Assert.That(rows[2].Operation, Is.EqualTo("training step"));
            foreach (BudgetRow r in rows)
            {
                Assert.That(r.Cost.AllocatedBytesPerCall, Is.EqualTo(0.0), r.Operation + " bytes per call");
                Assert.That(r.Cost.MedianMicroseconds, Is.GreaterThan(0.0), r.Operation + " µs");
                Assert.That(r.Cost.Calls, Is.GreaterThanOrEqualTo(5));
                Assert.That(BudgetTable.Format(r), Does.StartWith("32-64-64-4"));
            }
        }

        [Test]
        public void BatchOptionSetsTheBatchOfEveryModel()
        {
            FrameBudgetOptions o = CommandLine.Parse(new[] { "--batch", "8", "--model", "64-128-128-8", "--ms", "10" });
            List<BudgetRow> rows = FrameBudgetRun.Run(o.Models, o.Batch, o.BudgetMs);
            Assert.That(rows.Count, Is.EqualTo(3));
            Assert.That(rows[1].Rows, Is.EqualTo(8));
            Assert.That(rows[2].Rows, Is.EqualTo(8));
        }

        /// <summary>
        /// Fresh processes with a JIT log (<c>DOTNET_JitStdOutFile</c>, default tiered settings): after
        /// <see cref="Trainer.Warmup"/> no method of the runtime is compiled at all, and without it none is compiled
        /// again once the first calls are done (no tier-up, no on-stack replacement) — over 0.6 s of steady state, long
        /// enough for the runtime to have tiered up anything it would.
        /// </summary>
        [TestCase(true)]
        [TestCase(false)]
        public void NoMethodOfTheRuntimeIsCompiledAfterTheWarmupOrTheFirstCalls(bool warmup)
        {
            string log = Path.Combine(Path.GetTempPath(), $"embeddedmlp-jit-{Guid.NewGuid():N}.txt");
            try
            {
                var env = new Dictionary<string, string> { ["DOTNET_JitStdOutFile"] = log, ["DOTNET_JitDisasmSummary"] = "1" };
                ColdResult r = ColdStart.RunChild(ReferenceModel.Find("32-64-64-4"), warmup, threads: 2, env);
                Assert.That(r.StepSteadyUs, Is.GreaterThan(0));
                string[] lines = File.ReadAllLines(log);
                string marker = warmup ? "ColdStart:WarmupDone" : "ColdStart:FirstCallsDone";
                int at = Array.FindIndex(lines, l => l.Contains(marker));
                Assert.That(at, Is.GreaterThan(0), $"the marker {marker} is in the JIT log");
                Assert.That(lines.Take(at).Count(l => l.Contains("EmbeddedMlp.Training.Trainer:Step(")), Is.GreaterThanOrEqualTo(1),
                    "the log is the one of this run: Step was compiled before the marker");
                string[] late = lines.Skip(at + 1).Where(l => l.Contains(" EmbeddedMlp.") && !l.Contains(" EmbeddedMlp.Samples.")).ToArray();
                Assert.That(late, Is.Empty, "methods of the runtime compiled after " + marker);
            }
            finally
            {
                File.Delete(log);
            }
        }

        /// <summary>
        /// The sample as a process with 2 and 4 kernel threads: every call allocates 0 bytes on every thread of the
        /// process over at least 1,000 calls per operation, and the idle worker threads block (process CPU time over an
        /// idle second).
        /// </summary>
        [TestCase(2)]
        [TestCase(4)]
        public void ParallelCallsAllocateNothingOnAnyThreadAndIdleWorkersBlock(int threads)
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "FrameBudget.dll");
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            var start = new ProcessStartInfo(string.IsNullOrEmpty(host) ? "dotnet" : host!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { dll, "--model", "784-256-128-10", "--batch", "32", "--ms", "10", "--calls", "1000", "--threads", threads.ToString(CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(a);
            using Process p = Process.Start(start)!;
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            Assert.That(p.WaitForExit(120_000), Is.True);
            Assert.That(p.ExitCode, Is.EqualTo(0), stderr + stdout);
            string[] rows = stdout.Split('\n').Where(l => l.StartsWith("784-256-128-10", StringComparison.Ordinal)).ToArray();
            Assert.That(rows.Length, Is.EqualTo(3), stdout);
            foreach (string row in rows)
            {
                string[] f = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // model, operation (one or two words), rows, µs/call, µs/row, bytes/call, …
                int bytesAt = f[1] == "training" ? 6 : 5;
                Assert.That(f[bytesAt], Is.EqualTo("0"), "bytes per call, every thread: " + row);
            }
            Assert.That(stdout, Does.Contain("bytes/call: counted on every thread"));
            string idle = stdout.Split('\n').Single(l => l.StartsWith("idle: ", StringComparison.Ordinal));
            double cpuMs = double.Parse(idle.Split(' ')[1], CultureInfo.InvariantCulture);
            // One spinning worker would use ~1,000 ms in that second; blocked workers use close to none.
            Assert.That(cpuMs, Is.LessThan(50), idle);
        }

        /// <summary>
        /// The tiering mode's two kinds of child: each measures a positive cost, and each ran with the setting it was
        /// given (the fully optimised child saw <c>DOTNET_TieredCompilation=0</c>, the other the default settings even
        /// when the test runner itself has the variable set).
        /// </summary>
        [Test]
        public void TieringChildrenMeasureUnderTheSettingTheyWereGiven()
        {
            ReferenceModel m = ReferenceModel.Find("32-64-64-4");
            var tiered = TieringCheck.RunChild(m, tieredOff: false);
            var off = TieringCheck.RunChild(m, tieredOff: true);
            Assert.That(tiered.Setting, Is.EqualTo("default"));
            Assert.That(off.Setting, Is.EqualTo("TC=0"));
            foreach (var r in new[] { tiered, off })
            {
                Assert.That(r.Step, Is.GreaterThan(r.Predict), "a 32-row training step costs more than a one-row Predict");
                Assert.That(r.Predict, Is.GreaterThan(10).And.LessThan(1e6), "one-row Predict, ns");
            }
            FrameBudgetOptions o = CommandLine.Parse(new[] { "--tiering", "--runs", "5", "--model", "32-64-64-4" });
            Assert.That(o.Tiering, Is.True);
            Assert.That(o.Runs, Is.EqualTo(5));
        }

        [Test]
        public void BadOptionsSayWhatWasExpected()
        {
            var e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--batch", "0" }));
            Assert.That(e!.Message, Does.Contain("--batch").And.Contain("1..4096").And.Contain("'0'"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--threads", "0" }));
            Assert.That(e!.Message, Does.Contain("--threads").And.Contain("1..64").And.Contain("'0'"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--model", "32-64" }));
            Assert.That(e!.Message, Does.Contain("1024-1024-1024-10").And.Contain("'32-64'"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--cold", "--tiering" }));
            Assert.That(e!.Message, Does.Contain("--cold and --tiering"));
        }
    }
}
#endif
