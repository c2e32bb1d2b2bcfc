#if !UNITY_5_3_OR_NEWER // runs the console samples, which are not part of a Unity project
using System;
using System.Collections.Generic;
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

        [Test]
        public void BadOptionsSayWhatWasExpected()
        {
            var e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--batch", "0" }));
            Assert.That(e!.Message, Does.Contain("--batch").And.Contain("1..4096").And.Contain("'0'"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--model", "32-64" }));
            Assert.That(e!.Message, Does.Contain("1024-1024-1024-10").And.Contain("'32-64'"));
        }
    }
}
#endif
