using System;

namespace EmbeddedMlp.Cli.Training;

/// <summary>Loss (as the trainer defines it) and accuracy (classification) of a model on a whole dataset, via Predict.</summary>
public static class Evaluation
{
    private const int Chunk = 512;

    /// <summary>Mean cross-entropy or mean squared error; <paramref name="accuracy"/> is NaN for regression.</summary>
    public static double Evaluate(Mlp model, Dataset data, out double accuracy)
    {
        int outputs = model.OutputCount, inputs = model.InputCount;
        var y = new float[Chunk * outputs];
        double loss = 0;
        long correct = 0;
        for (int start = 0; start < data.Rows; start += Chunk)
        {
            int n = Math.Min(Chunk, data.Rows - start);
            Span<float> outRows = y.AsSpan(0, n * outputs);
            model.Predict(data.X.AsSpan(start * inputs, n * inputs), outRows);
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<float> row = outRows.Slice(r * outputs, outputs);
                if (data.Labels != null)
                {
                    int label = data.Labels[start + r];
                    loss -= Math.Log(Math.Max(row[label], 1e-45));
                    if (Classes.ArgMax(row) == label) correct++;
                }
                else
                {
                    ReadOnlySpan<float> t = data.Targets.AsSpan((start + r) * outputs, outputs);
                    for (int j = 0; j < outputs; j++)
                    {
                        double e = (double)row[j] - t[j];
                        loss += e * e;
                    }
                }
            }
        }
        if (data.Labels != null)
        {
            accuracy = (double)correct / data.Rows;
            return loss / data.Rows;
        }
        accuracy = double.NaN;
        return loss / ((double)data.Rows * outputs);
    }
}
