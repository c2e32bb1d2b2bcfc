using System;

namespace EmbeddedMlp.Cli;

/// <summary>Bad input (a data or model file, an unreadable path): exit code 2, one line on stderr.</summary>
public sealed class InputException(string message) : Exception(message);

/// <summary>A command line that parses but makes no sense (conflicting options): exit code 1 with the usage text.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>Usage error: unknown or conflicting options; the usage text follows the message.</summary>
    public const int Usage = 1;
    /// <summary>Bad input (data file, model file, I/O): one line <c>error: …</c> on stderr.</summary>
    public const int BadInput = 2;
}
