using System;
using System.CommandLine;
using System.IO;
using System.Text;
using EmbeddedMlp.Cli.Data;
using EmbeddedMlp.Cli.Output;
using EmbeddedMlp.Cli.Training;

namespace EmbeddedMlp.Cli.Commands;

/// <summary><c>predict --model M.mlp --input X.csv [--output P.csv] [--argmax]</c>: one output row per input row.</summary>
internal static class PredictCommand
{
    private const int Chunk = 1024;

    public static Command Create(CliContext context)
    {
        Option<string> model = CliOptions.RequiredPath("--model", "Model or checkpoint file.");
        Option<string> input = CliOptions.RequiredPath("--input", "CSV of input rows (as many columns as the model has inputs).");
        Option<string?> output = CliOptions.Path("--output", "Write the CSV here (atomically) instead of stdout.");
        Option<bool> argmax = CliOptions.Flag("--argmax", "Print the index of the largest output (the class) instead of the outputs.");
        var command = new Command("predict", "Run the model on every row of a CSV: the last layer's activations (class probabilities for softmax), " +
                                             "formatted so that parsing gives back the exact float.")
        { model, input, output, argmax };
        command.SetAction(parse => CommandLineApp.Guard(context, command, () =>
            Execute(context, parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(output), parse.GetValue(argmax))));
        return command;
    }

    private static int Execute(CliContext context, string modelPath, string inputPath, string? outputPath, bool argmax)
    {
        if (outputPath != null) CliFiles.CheckWritable(outputPath, "--output");
        Mlp model = LoadedModelFile.Read(modelPath).LoadModel();
        CsvTable data = CsvTable.Read(inputPath);
        if (data.Columns != model.InputCount)
            throw new InputException($"{inputPath}: expected {model.InputCount} columns (the inputs of {modelPath}), found {data.Columns}");

        if (outputPath == null)
        {
            Write(model, data, argmax, context.Out);
            context.Out.Flush();
        }
        else
        {
            WriteAtomically(outputPath, writer => Write(model, data, argmax, writer));
        }
        return ExitCodes.Ok;
    }

    private static void Write(Mlp model, CsvTable data, bool argmax, TextWriter writer)
    {
        int outputs = model.OutputCount, inputs = model.InputCount;
        var buffer = new float[Chunk * outputs];
        var line = new StringBuilder();
        for (int start = 0; start < data.Rows; start += Chunk)
        {
            int n = Math.Min(Chunk, data.Rows - start);
            Span<float> y = buffer.AsSpan(0, n * outputs);
            model.Predict(data.Values.AsSpan(start * inputs, n * inputs), y);
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<float> row = y.Slice(r * outputs, outputs);
                line.Clear();
                if (argmax)
                {
                    line.Append(Formats.Int(Classes.ArgMax(row)));
                }
                else
                {
                    for (int j = 0; j < outputs; j++)
                    {
                        if (j > 0) line.Append(',');
                        line.Append(Formats.RoundTrip(row[j]));
                    }
                }
                writer.Write(line);
                writer.Write('\n');
            }
        }
    }

    private static void WriteAtomically(string path, Action<TextWriter> write)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                write(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (CliFiles.IsIo(e))
        {
            TryDelete(temp);
            throw new InputException($"--output {path}: could not write it ({CommandLineApp.OneLine(e.Message)})");
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (CliFiles.IsIo(e)) { }
    }
}
