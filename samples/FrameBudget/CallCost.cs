using System;
using System.Diagnostics;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>Cost of one call: median microseconds over repeated calls, and bytes allocated per call.</summary>
public readonly record struct CallCost(double MedianMicroseconds, double AllocatedBytesPerCall, int Calls)
{
    /// <summary>How many calls fit, back to back, in <paramref name="microseconds"/>.</summary>
    public long FitIn(double microseconds) => MedianMicroseconds > 0 ? (long)Math.Floor(microseconds / MedianMicroseconds) : 0;

    /// <summary>
    /// Measures <paramref name="call"/>: warm-up calls for <paramref name="budgetMs"/> (at least two: the JIT's tiered
    /// compilation only optimises code after it has run a while), then bytes allocated over a few calls
    /// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), then timed calls until <paramref name="budgetMs"/> has passed
    /// (at least <paramref name="minCalls"/>); the median resists the noise of a shared machine.
    /// </summary>
    public static CallCost Measure(Action call, double budgetMs, int minCalls = 5)
    {
        RepeatFor(call, budgetMs, minCalls: 2);

        const int allocationCalls = 3;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < allocationCalls; i++) call();
        double bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / allocationCalls;

        var ticks = new long[4096];
        int n = 0;
        long budget = (long)(budgetMs * Stopwatch.Frequency / 1000), start = Stopwatch.GetTimestamp();
        while (n < ticks.Length && (n < minCalls || Stopwatch.GetTimestamp() - start < budget))
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            ticks[n++] = Stopwatch.GetTimestamp() - t0;
        }
        Array.Sort(ticks, 0, n);
        return new CallCost(ticks[n / 2] * 1e6 / Stopwatch.Frequency, bytes, n);
    }

    private static void RepeatFor(Action call, double ms, int minCalls)
    {
        long budget = (long)(ms * Stopwatch.Frequency / 1000), start = Stopwatch.GetTimestamp();
        for (int n = 0; n < minCalls || Stopwatch.GetTimestamp() - start < budget; n++) call();
    }
}
