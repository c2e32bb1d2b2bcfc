using System.IO;

namespace EmbeddedMlp.Cli;

/// <summary>Where a command writes: stdout for results, stderr for errors; <see cref="Interactive"/> when stdout is a terminal.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive);
