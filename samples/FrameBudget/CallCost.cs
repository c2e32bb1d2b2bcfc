using System;
using System.Diagnostics;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>Cost of one call: median microseconds over repeated calls, and bytes allocated per call.</summary>
public readonly record struct CallCost(double MedianMicroseconds, double AllocatedBytesPerCall, int Calls)
{
    /// <summary>How many calls fit, back to back, in <paramref name="microseconds"/>.</summary>
    public long FitIn(double microseconds) => MedianMicroseconds > 0 ? (long)Math.Floor(microseconds / MedianMicroseconds) : 0;

    /// <summary>
    /// Measures <paramref name="call"/>: warm-up calls for <paramref name="budgetMs"/> (at least two), then timed calls
    /// until <paramref name="budgetMs"/> has passed and at least <paramref name="minCalls"/> were made; the median
    /// resists the noise of a shared machine. Bytes are counted over the timed calls: on this thread
    /// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), or on every thread of the process when
    /// <paramref name="processWide"/> (<see cref="GC.GetTotalAllocatedBytes"/>, precise: kernel worker threads).
    /// </summary>
    public static CallCost Measure(Action call, double budgetMs, int minCalls = 5, bool processWide = false)
    {
        RepeatFor(call, budgetMs, minCalls: 2);

        var ticks = new long[Math.Max(minCalls, 4096)];
        int n = 0;
        long budget = (long)(budgetMs * Stopwatch.Frequency / 1000);
        long bytes0 = processWide ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        while (n < ticks.Length && (n < minCalls || Stopwatch.GetTimestamp() - start < budget))
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            ticks[n++] = Stopwatch.GetTimestamp() - t0;
        }
        long bytes = (processWide ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread()) - bytes0;
        Array.Sort(ticks, 0, n);
        return new CallCost(ticks[n / 2] * 1e6 / Stopwatch.Frequency, (double)bytes / n, n);
    }

    private static void RepeatFor(Action call, double ms, int minCalls)
    {
        long budget = (long)(ms * Stopwatch.Frequency / 1000), start = Stopwatch.GetTimestamp();
        for (int n = 0; n < minCalls || Stopwatch.GetTimestamp() - start < budget; n++) call();
    }
}
