using System.Globalization;

namespace EmbeddedMlp.Cli.Output;

/// <summary>Number formatting shared by the commands (always the invariant culture).</summary>
public static class Formats
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The shortest text that parses back to exactly <paramref name="value"/> (round-trip).</summary>
    public static string RoundTrip(float value) => value.ToString("R", Inv);

    /// <summary>A loss or similar figure with 6 significant digits.</summary>
    public static string Loss(double value) => value.ToString("G6", Inv);

    /// <summary>A share 0..1 as a percentage with 2 decimals.</summary>
    public static string Percent(double share) => (share * 100).ToString("F2", Inv) + "%";

    /// <summary>Microseconds with one decimal.</summary>
    public static string Micros(double us) => us.ToString("F1", Inv);

    /// <summary>Seconds with two decimals.</summary>
    public static string Seconds(double s) => s.ToString("F2", Inv);

    /// <summary>An integer with thousands separators.</summary>
    public static string Count(long n) => n.ToString("N0", Inv);

    /// <summary>An integer as plain digits.</summary>
    public static string Int(long n) => n.ToString(Inv);
}
