using System;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.IO;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// Writes a progress line without allocating, so that printing from the game loop does not feed the garbage
/// collector either: numbers are formatted with <c>TryFormat</c> into a buffer made once. (Interpolated strings,
/// even <c>Span.TryWrite($"…")</c>, box their arguments until the JIT optimises the code, which a line printed every
/// 1,000 frames never triggers.)
/// </summary>
public sealed class ProgressLine
{
    private readonly TextWriter _writer;
    private readonly char[] _buffer = new char[256];
    private int _length;

    public ProgressLine(TextWriter writer)
    {
        _writer = writer;
        // One line formatted (not written) here, before the game loop: the first number a process formats or parses
        // with the invariant culture creates that culture's NumberFormatInfo (312 bytes). When nothing did before —
        // the sample run without arguments parses no number — the first progress line of the game loop allocated it.
        Format(0, 0, 0, 0, 0, ("", 0f), ("", 0f));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(int frame, long episodes, double meanScore, double meanCostUs, double maxCostUs, (string Label, float Value) first, (string Label, float Value) second)
    {
        Format(frame, episodes, meanScore, meanCostUs, maxCostUs, first, second);
        _writer.Write(_buffer, 0, _length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Format(int frame, long episodes, double meanScore, double meanCostUs, double maxCostUs, (string Label, float Value) first, (string Label, float Value) second)
    {
        _length = 0;
        Text("frame "); Number(frame, 7, "F0");
        Text("  episodes "); Number(episodes, 6, "F0");
        Text("  mean score (last 100) "); Number(meanScore, 7, "F1");
        Text("  act+train "); Number(meanCostUs, 6, "F0");
        Text(" µs mean, "); Number(maxCostUs, 6, "F0");
        Text(" µs max  "); Text(first.Label); Text(" "); Number(first.Value, 8, "F4");
        Text(" "); Text(second.Label); Text(" "); Number(second.Value, 8, "F5");
        Text("\n");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Text(string s)
    {
        s.AsSpan().CopyTo(_buffer.AsSpan(_length));
        _length += s.Length;
    }

    /// <summary>Right-aligned in <paramref name="width"/> characters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Number(double value, int width, string format)
    {
        Span<char> digits = stackalloc char[32];
        if (!value.TryFormat(digits, out int n, format, CultureInfo.InvariantCulture)) n = 0;
        for (int i = n; i < width; i++) _buffer[_length++] = ' ';
        digits[..n].CopyTo(_buffer.AsSpan(_length));
        _length += n;
    }
}
