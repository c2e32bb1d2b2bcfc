#if !UNITY_5_3_OR_NEWER // the command-line tool is not part of a Unity project
using System.IO;
using EmbeddedMlp.Cli;
using EmbeddedMlp.Cli.Data;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Cli
{
    /// <summary>
    /// Issue 16: the first line is a header only when none of its fields parses as a number; otherwise it is data, and a
    /// bad field in it is reported like one in any other row instead of the row being dropped silently.
    /// </summary>
    [TestFixture]
    public class CsvHeaderTests
    {
        private static CsvTable Read(string text) => CsvTable.Read("d.csv", new StringReader(text));

        private static string ErrorOf(string text) => Assert.Throws<InputException>(() => Read(text))!.Message;

        [Test]
        public void ATypoInTheFirstRowIsTheSameErrorAsInAnyOtherRow()
        {
            string first = ErrorOf("1.5,2x,0\n1,2,1\n3,4,0\n");
            string third = ErrorOf("1,2,1\n3,4,0\n1.5,2x,0\n");
            Assert.That(first, Is.EqualTo("d.csv line 1, column 2: expected a number, found \"2x\""));
            Assert.That(first, Is.EqualTo(third.Replace("line 3", "line 1")));
        }

        [Test]
        public void ATypoInTheFirstRowAfterBlankLinesNamesItsOwnLine()
        {
            Assert.That(ErrorOf("\n  \n1.5,2x,0\n1,2,1\n"), Is.EqualTo("d.csv line 3, column 2: expected a number, found \"2x\""));
        }

        [Test]
        public void ATypoInTheFirstColumnOfTheFirstRowIsReportedToo()
        {
            Assert.That(ErrorOf("l.5,2,0\n1,2,1\n"), Is.EqualTo("d.csv line 1, column 1: expected a number, found \"l.5\""));
        }

        [TestCase("x,y,class\n1,2,0\n3,4,1\n", 2)]
        [TestCase("\n x , y , class \n1,2,0\n", 1)]
        [TestCase(",x,y\n1,2,0\n", 1)] // pandas' to_csv with its index: the first name is empty
        [TestCase("\"x\",\"y\",\"class\"\n1,2,0\n", 1)]
        public void AHeaderWhoseFieldsAreAllNonNumericIsSkipped(string text, int rows)
        {
            CsvTable t = Read(text);
            Assert.That(t.Rows, Is.EqualTo(rows));
            Assert.That(t.Columns, Is.EqualTo(3));
            Assert.That(t[0, 0], Is.EqualTo(1f));
            Assert.That(t.LineOf(0), Is.EqualTo(text.StartsWith("\n") ? 3 : 2));
        }

        [Test]
        public void AHeaderWithANumericLookingNameIsData()
        {
            Assert.That(ErrorOf("x1,2,label\n1,2,0\n"), Is.EqualTo("d.csv line 1, column 1: expected a number, found \"x1\""));
        }

        [Test]
        public void AFirstRowWithNaNIsDataNotAHeader()
        {
            Assert.That(ErrorOf("NaN,x,y\n1,2,0\n"), Is.EqualTo("d.csv line 1, column 1: expected a finite number, found \"NaN\""));
        }

        [Test]
        public void AFirstRowOfNumbersIsData()
        {
            CsvTable t = Read("1,2,0\n3,4,1\n");
            Assert.That(t.Rows, Is.EqualTo(2));
            Assert.That(t.LineOf(0), Is.EqualTo(1));
        }

        [Test]
        public void OnlyTheFirstLineCanBeAHeader()
        {
            Assert.That(ErrorOf("x,y,class\na,b,c\n1,2,0\n"), Is.EqualTo("d.csv line 2, column 1: expected a number, found \"a\""));
        }

        [Test]
        public void TheCliReportsAFirstRowTypoAndWritesNothing()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("typo.csv", "1.5,2x,0\n1,2,1\n3,4,0\n");
                CliRun run = h.Run("train", "--data", data, "--out", h.PathOf("m.mlp"), "--layers", "3:softmax");
                Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
                Assert.That(run.Stderr, Does.Contain("typo.csv line 1, column 2: expected a number, found \"2x\""));
                Assert.That(File.Exists(h.PathOf("m.mlp")), Is.False, "nothing written");
            }
        }
    }
}
#endif
