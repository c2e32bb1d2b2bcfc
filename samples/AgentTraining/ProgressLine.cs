using System;
using System.Globalization;
using System.IO;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// Writes a progress line without allocating: the text is formatted into a buffer made once
/// (<see cref="MemoryExtensions.TryWrite(Span{char}, IFormatProvider, ref MemoryExtensions.TryWriteInterpolatedStringHandler, out int)"/>),
/// so printing from the game loop does not feed the garbage collector either.
/// </summary>
public sealed class ProgressLine
{
    private readonly TextWriter _writer;
    private readonly char[] _buffer = new char[256];

    public ProgressLine(TextWriter writer) => _writer = writer;

    public void Write(int frame, long episodes, double meanLength, double meanCostUs, double maxCostUs, float policyLoss, float valueLoss)
    {
        Span<char> b = _buffer;
        if (b.TryWrite(CultureInfo.InvariantCulture,
                $"frame {frame,7}  episodes {episodes,6}  mean length (last 100) {meanLength,6:F1}  act+train {meanCostUs,6:F0} µs mean, {maxCostUs,6:F0} µs max  loss π {policyLoss,7:F4} V {valueLoss,8:F5}\n",
                out int written))
            _writer.Write(_buffer, 0, written);
    }
}
