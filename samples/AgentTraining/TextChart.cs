using System;
using System.Text;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>A learning curve drawn with block characters, for a terminal.</summary>
public static class TextChart
{
    private static readonly char[] Blocks = { ' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█' };

    /// <summary>
    /// <paramref name="values"/> resampled to at most <paramref name="width"/> columns (each the mean of its points),
    /// drawn <paramref name="height"/> rows high from <paramref name="min"/> to <paramref name="max"/>, with a y axis and
    /// an x axis in frames.
    /// </summary>
    public static string Render(ReadOnlySpan<float> values, float min, float max, int framesPerPoint, int width = 60, int height = 8)
    {
        if (values.IsEmpty) return "(no curve points)\n";
        int columns = Math.Min(width, values.Length);
        var col = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            int from = (int)((long)c * values.Length / columns), to = (int)((long)(c + 1) * values.Length / columns);
            double s = 0;
            for (int i = from; i < to; i++) s += values[i];
            col[c] = s / (to - from);
        }

        var sb = new StringBuilder();
        for (int row = height - 1; row >= 0; row--)
        {
            string label = row == height - 1 ? $"{max,5:F0} ┤" : row == 0 ? $"{min,5:F0} ┤" : "      │";
            sb.Append(label);
            for (int c = 0; c < columns; c++)
            {
                double eighths = (col[c] - min) / (max - min) * height * 8 - row * 8;
                sb.Append(Blocks[(int)Math.Clamp(Math.Round(eighths), 0, 8)]);
            }
            sb.Append('\n');
        }
        int lastFrame = values.Length * framesPerPoint;
        sb.Append("      └").Append('─', columns).Append('\n');
        string right = $"frame {lastFrame}";
        sb.Append("       0").Append(' ', Math.Max(1, columns - 1 - right.Length)).Append(right).Append('\n');
        return sb.ToString();
    }
}
