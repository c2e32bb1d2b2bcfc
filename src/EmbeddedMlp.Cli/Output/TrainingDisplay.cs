using System;
using System.IO;
using EmbeddedMlp.Cli.Training;
using Spectre.Console;

namespace EmbeddedMlp.Cli.Output;

/// <summary>What the training loop reports as it goes.</summary>
public interface ITrainingProgress
{
    /// <summary>After each step: the running mean loss of the current epoch.</summary>
    void Step(int epoch, double runningLoss);

    /// <summary>After each epoch, with its figures.</summary>
    void Epoch(EpochReport report);
}

/// <summary>One epoch's figures.</summary>
public sealed record EpochReport(int Epoch, int Epochs, double Loss, double Accuracy, double ValidationLoss, double ValidationAccuracy, double Seconds)
{
    /// <summary>The plain line: <c>epoch 3/10  loss 0.41  accuracy 91.20%  val_loss …  val_accuracy …  0.12 s</c>.</summary>
    public string ToLine()
    {
        string width = Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string line = $"epoch {Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width.Length)}/{width}  loss {Formats.Loss(Loss)}";
        if (!double.IsNaN(Accuracy)) line += $"  accuracy {Formats.Percent(Accuracy)}";
        if (!double.IsNaN(ValidationLoss)) line += $"  val_loss {Formats.Loss(ValidationLoss)}";
        if (!double.IsNaN(ValidationAccuracy)) line += $"  val_accuracy {Formats.Percent(ValidationAccuracy)}";
        return line + $"  {Formats.Seconds(Seconds)} s";
    }
}

/// <summary>Runs a training loop with a display: plain lines (redirected stdout) or a live Spectre.Console bar (terminal).</summary>
public static class TrainingDisplay
{
    /// <summary>Runs <paramref name="train"/> with the display that suits <paramref name="context"/>.</summary>
    public static void Run(CliContext context, int epochs, long totalSteps, Action<ITrainingProgress> train)
    {
        if (!context.Interactive)
        {
            train(new PlainProgress(context.Out));
            return;
        }
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Out) });
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Describe(1, epochs, double.NaN, double.NaN), maxValue: Math.Max(1, totalSteps));
                train(new LiveProgress(task, epochs));
            });
    }

    private static string Describe(int epoch, int epochs, double loss, double accuracy)
    {
        string s = $"epoch {epoch}/{epochs}";
        if (!double.IsNaN(loss)) s += $"  loss {Formats.Loss(loss)}";
        if (!double.IsNaN(accuracy)) s += $"  accuracy {Formats.Percent(accuracy)}";
        return Markup.Escape(s);
    }

    private sealed class PlainProgress(TextWriter output) : ITrainingProgress
    {
        public void Step(int epoch, double runningLoss) { }

        public void Epoch(EpochReport report)
        {
            output.WriteLine(report.ToLine());
            output.Flush();
        }
    }

    private sealed class LiveProgress(ProgressTask task, int epochs) : ITrainingProgress
    {
        private double _accuracy = double.NaN;
        private long _lastUpdate;

        public void Step(int epoch, double runningLoss)
        {
            task.Increment(1);
            long now = Environment.TickCount64;
            if (now - _lastUpdate >= 100)
            {
                _lastUpdate = now;
                task.Description = Describe(epoch, epochs, runningLoss, _accuracy);
            }
        }

        public void Epoch(EpochReport report)
        {
            _accuracy = report.ValidationAccuracy is double v && !double.IsNaN(v) ? v : report.Accuracy;
            task.Description = Describe(report.Epoch, epochs, report.Loss, _accuracy);
        }
    }
}
