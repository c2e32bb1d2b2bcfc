using System;
using EmbeddedMlp.Cli.Data;

namespace EmbeddedMlp.Cli.Training;

/// <summary>
/// A CSV split into model inputs and targets: with a softmax last layer the last column is the class index,
/// otherwise the last <c>units</c> columns are regression targets.
/// </summary>
public sealed class Dataset
{
    private Dataset(int rows, int inputs, float[] x, int[]? labels, float[]? targets, int targetWidth)
    {
        Rows = rows;
        Inputs = inputs;
        X = x;
        Labels = labels;
        Targets = targets;
        TargetWidth = targetWidth;
    }

    public int Rows { get; }
    public int Inputs { get; }
    /// <summary>Inputs, [Rows, Inputs] row-major.</summary>
    public float[] X { get; }
    /// <summary>Class indices (softmax models), else null.</summary>
    public int[]? Labels { get; }
    /// <summary>Regression targets [Rows, TargetWidth] (other models), else null.</summary>
    public float[]? Targets { get; }
    public int TargetWidth { get; }
    public bool IsClassification => Labels != null;

    /// <summary>Number of target columns a model with this last layer needs.</summary>
    public static int TargetColumns(LayerSpec last) => last.Activation == Activation.Softmax ? 1 : last.Units;

    /// <summary>Splits <paramref name="table"/> for a model with <paramref name="inputs"/> inputs and last layer <paramref name="last"/>.</summary>
    public static Dataset From(CsvTable table, int inputs, LayerSpec last, string role)
    {
        int targetColumns = TargetColumns(last);
        string what = last.Activation == Activation.Softmax
            ? "1 class-index column"
            : $"{targetColumns} target column{(targetColumns == 1 ? "" : "s")}";
        if (table.Columns != inputs + targetColumns)
            throw new InputException($"{table.Path}: expected {inputs + targetColumns} columns ({inputs} inputs + {what}{role}), found {table.Columns}");

        int rows = table.Rows, width = table.Columns;
        var x = new float[(long)rows * inputs];
        for (int r = 0; r < rows; r++)
            Array.Copy(table.Values, (long)r * width, x, (long)r * inputs, inputs);

        if (last.Activation == Activation.Softmax)
        {
            var labels = new int[rows];
            int classes = last.Units;
            for (int r = 0; r < rows; r++)
            {
                float v = table[r, inputs];
                if (v != MathF.Floor(v) || v < 0 || v >= classes)
                    throw new InputException($"{table.Path} line {table.LineOf(r)}, column {width}: expected a class index 0..{classes - 1} (the softmax layer has {classes} units), found {Output.Formats.RoundTrip(v)}");
                labels[r] = (int)v;
            }
            return new Dataset(rows, inputs, x, labels, null, 1);
        }

        var targets = new float[(long)rows * targetColumns];
        for (int r = 0; r < rows; r++)
            Array.Copy(table.Values, (long)r * width + inputs, targets, (long)r * targetColumns, targetColumns);
        return new Dataset(rows, inputs, x, null, targets, targetColumns);
    }
}
