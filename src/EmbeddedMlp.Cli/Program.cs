using System;

namespace EmbeddedMlp.Cli;

/// <summary>The <c>embedded-mlp</c> executable.</summary>
public static class Program
{
    /// <summary>Runs a command with the console's streams; the progress bar is live when stdout is a terminal.</summary>
    public static int Main(string[] args) =>
        CommandLineApp.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
}
