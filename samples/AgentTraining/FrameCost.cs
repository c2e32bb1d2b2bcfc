using System;
using System.Diagnostics;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Percentiles of per-frame costs recorded as <see cref="Stopwatch"/> ticks.</summary>
public readonly record struct FrameCost(int Frames, double P50Microseconds, double P99Microseconds, double P999Microseconds, double MaxMicroseconds)
{
    /// <summary>A 60 Hz frame, in microseconds.</summary>
    public const double FrameMicroseconds = 1e6 / 60;

    /// <summary>Share of a 60 Hz frame taken by the median frame.</summary>
    public double P50Share => P50Microseconds / FrameMicroseconds;
    /// <summary>Share of a 60 Hz frame taken by the 99th-percentile frame.</summary>
    public double P99Share => P99Microseconds / FrameMicroseconds;

    /// <summary>Percentiles of <paramref name="ticks"/> (sorted in place), nearest-rank.</summary>
    public static FrameCost FromTicks(Span<long> ticks)
    {
        if (ticks.IsEmpty) return new FrameCost(0, 0, 0, 0, 0);
        ticks.Sort();
        double us = 1e6 / Stopwatch.Frequency;
        return new FrameCost(ticks.Length, ticks[Rank(ticks.Length, 0.50)] * us, ticks[Rank(ticks.Length, 0.99)] * us,
            ticks[Rank(ticks.Length, 0.999)] * us, ticks[^1] * us);
    }

    private static int Rank(int n, double p) => Math.Clamp((int)Math.Ceiling(p * n) - 1, 0, n - 1);

    public override string ToString() =>
        $"p50 {P50Microseconds:F0} µs, p99 {P99Microseconds:F0} µs, p99.9 {P999Microseconds:F0} µs, max {MaxMicroseconds:F0} µs over {Frames} frames " +
        $"(p50 {P50Share:P1}, p99 {P99Share:P1} of a 16.7 ms frame)";
}
