using System;
using System.Diagnostics;
using System.IO;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>Runs this program again as a child process (the fresh processes of <c>--cold</c> and <c>--tiering</c>) and reads its result line.</summary>
public static class ChildProcess
{
    /// <summary>How to start this program again with <paramref name="args"/>: its apphost, or <c>dotnet FrameBudget.dll</c>.</summary>
    public static ProcessStartInfo SelfStart(params string[] args)
    {
        string dll = typeof(ChildProcess).Assembly.Location;
        string? host = Environment.ProcessPath;
        bool viaDotnet = host is null || Path.GetFileNameWithoutExtension(host) == "dotnet" || Path.GetFileNameWithoutExtension(host) != Path.GetFileNameWithoutExtension(dll);
        var start = new ProcessStartInfo(viaDotnet ? DotnetHost() : host!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (viaDotnet) start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>
    /// Runs <paramref name="start"/> to its end and returns the first line of its output that starts with
    /// <paramref name="prefix"/>; without one, an <see cref="InvalidOperationException"/> naming <paramref name="what"/>,
    /// the exit code and everything the child wrote.
    /// </summary>
    public static string ResultLine(ProcessStartInfo start, string prefix, string what)
    {
        using Process p = Process.Start(start)!;
        var stderrRead = p.StandardError.ReadToEndAsync(); // both pipes drained at once: a child filling one cannot stall
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = stderrRead.GetAwaiter().GetResult();
        p.WaitForExit();
        foreach (string raw in stdout.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
        }
        throw new InvalidOperationException($"{what} exited with {p.ExitCode} and no result: {stderr}{stdout}");
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host)) return host;
        string? self = Environment.ProcessPath;
        return self != null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
