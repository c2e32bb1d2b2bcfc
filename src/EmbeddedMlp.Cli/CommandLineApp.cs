using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;
using EmbeddedMlp.Cli.Commands;

namespace EmbeddedMlp.Cli;

/// <summary>
/// Entry point shared by <see cref="Program.Main"/> and the tests: parses the arguments, runs one command and maps
/// failures to exit codes (0 success, 1 usage error with the usage text, 2 bad input with one line <c>error: …</c>).
/// </summary>
public static class CommandLineApp
{
    /// <summary>Runs a command with plain (non-interactive) progress output.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, interactive: false);

    /// <summary>Runs a command; <paramref name="interactive"/> selects the live progress bar (stdout is a terminal).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(stdout, stderr, interactive);
        RootCommand root = BuildRoot(context);
        ParseResult parse = root.Parse(args);

        bool clears = parse.Action is CommandLineAction { ClearsParseErrors: true };
        if (parse.Errors.Count > 0 && !clears)
        {
            // Unrecognised words first: "Unrecognized command or argument 'x'" says more than "Required command was not provided".
            var errors = parse.Errors
                .OrderBy(e => parse.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal)) ? 0 : 1)
                .Select(e => OneLine(e.Message)).Distinct();
            foreach (string error in errors) stderr.WriteLine("error: " + error);
            stderr.WriteLine();
            WriteUsage(context, parse.CommandResult.Command);
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Not expected: still one line and no stack trace.
            stderr.WriteLine($"error: unexpected {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitCodes.BadInput;
        }
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("embedded-mlp: train, predict with, inspect and benchmark EmbeddedMlp model files; import and export ONNX.")
        {
            TrainCommand.Create(context),
            PredictCommand.Create(context),
            InspectCommand.Create(context),
            BenchCommand.Create(context),
            ImportCommand.Create(context),
            ExportCommand.Create(context),
        };
        return root;
    }

    /// <summary>Runs a command body, turning the known failures into an exit code and one line on stderr.</summary>
    internal static int Guard(CliContext context, Command command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            context.Error.WriteLine("error: " + OneLine(e.Message));
            context.Error.WriteLine();
            WriteUsage(context, command);
            return ExitCodes.Usage;
        }
        catch (InputException e)
        {
            context.Error.WriteLine("error: " + OneLine(e.Message));
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (CliFiles.IsIo(e))
        {
            context.Error.WriteLine("error: " + OneLine(e.Message));
            return ExitCodes.BadInput;
        }
    }

    /// <summary>The usage text of <paramref name="command"/> (System.CommandLine's help) on stderr.</summary>
    private static void WriteUsage(CliContext context, Command command)
    {
        string[] args = command is RootCommand ? ["--help"] : [command.Name, "--help"];
        BuildRoot(context).Parse(args).Invoke(new InvocationConfiguration { Output = context.Error, Error = context.Error });
    }

    /// <summary>A message on one line, without a final period (the caller's line is the sentence).</summary>
    internal static string OneLine(string message) =>
        message.Replace("\r", " ").Replace("\n", " ").Trim().TrimEnd('.');
}
