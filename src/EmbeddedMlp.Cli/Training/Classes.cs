using System;

namespace EmbeddedMlp.Cli.Training;

/// <summary>Class decisions from output rows.</summary>
public static class Classes
{
    /// <summary>Index of the largest value (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
            if (row[j] > row[best]) best = j;
        return best;
    }
}
