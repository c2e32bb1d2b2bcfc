using System;
using System.Globalization;

namespace EmbeddedMlp.Samples;

/// <summary>
/// The few command-line helpers every sample uses: an option's value and number parsing with messages that name
/// the option, what was expected and what was found. Linked into each sample project (internal to each).
/// </summary>
internal static class OptionParsing
{
    /// <summary>The value after option <c>args[i]</c>; advances <paramref name="i"/> past it.</summary>
    public static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{args[i]}: expected a value after it, found {(i + 1 >= args.Length ? "the end of the command line" : $"'{args[i + 1]}'")}.");
        return args[++i];
    }

    public static int ParseInt(string option, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new ArgumentException($"{option}: expected an integer in {min}..{max}, found '{text}'.");
        return v;
    }

    public static ulong ParseULong(string option, string text)
    {
        if (!ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v))
            throw new ArgumentException($"{option}: expected a non-negative integer, found '{text}'.");
        return v;
    }
}
