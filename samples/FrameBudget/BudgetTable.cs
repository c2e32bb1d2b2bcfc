using System;
using System.Globalization;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>Formats the rows of the frame-budget table.</summary>
public static class BudgetTable
{
    public const double FrameMicroseconds = 1e6 / 60;

    public static string Header =>
        $"{"model",-18} {"operation",-14} {"rows",5} {"µs/call",10} {"µs/row",9} {"bytes/call",10} {"per 1 ms",9} {"per 16.7 ms frame",18}\n" +
        new string('-', 18 + 1 + 14 + 1 + 5 + 1 + 10 + 1 + 9 + 1 + 10 + 1 + 9 + 1 + 18) + "\n";

    public static string Format(BudgetRow r)
    {
        CallCost c = r.Cost;
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Model,-18} {r.Operation,-14} {r.Rows,5} {c.MedianMicroseconds,10:F1} {c.MedianMicroseconds / r.Rows,9:F2} {c.AllocatedBytesPerCall,10:F0} {Fit(c.FitIn(1000), r.Rows),9} {Fit(c.FitIn(FrameMicroseconds), r.Rows),18}\n");
    }

    /// <summary>"calls" for single rows, "calls (rows)" for batches: 3 calls of 32 rows serve 96 agents.</summary>
    private static string Fit(long calls, int rows) =>
        rows == 1 ? calls.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{calls} ({calls * rows})");
}
