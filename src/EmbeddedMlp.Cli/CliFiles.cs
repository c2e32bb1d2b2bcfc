using System;
using System.IO;
using System.Security;

namespace EmbeddedMlp.Cli;

/// <summary>Opening and reading files with I/O failures turned into one-line <see cref="InputException"/>s.</summary>
public static class CliFiles
{
    /// <summary>Opens a text file for reading.</summary>
    public static StreamReader OpenText(string path)
    {
        try { return new StreamReader(path); }
        catch (Exception e) when (IsIo(e)) { throw Unreadable(path, e); }
    }

    /// <summary>Reads a whole file.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (IsIo(e)) { throw Unreadable(path, e); }
    }

    /// <summary>Checks that <paramref name="path"/> can be created: its folder exists.</summary>
    public static void CheckWritable(string path, string option)
    {
        string? dir;
        try { dir = Path.GetDirectoryName(Path.GetFullPath(path)); }
        catch (Exception e) when (IsIo(e)) { throw new InputException($"{option} {path}: expected a file path, found an invalid one ({e.Message})"); }
        if (Directory.Exists(path))
            throw new InputException($"{option} {path}: expected a file path, found a folder");
        if (dir is null || !Directory.Exists(dir))
            throw new InputException($"{option} {path}: expected an existing folder, found no folder {dir}");
    }

    /// <summary>True for the exceptions that file access throws for a bad path or missing permission.</summary>
    public static bool IsIo(Exception e) =>
        e is IOException or UnauthorizedAccessException or SecurityException or ArgumentException or NotSupportedException;

    private static InputException Unreadable(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => new InputException($"{path}: expected a readable file, found no such file"),
        UnauthorizedAccessException => new InputException($"{path}: expected a readable file, found no permission to read it"),
        _ => new InputException($"{path}: expected a readable file, found {e.Message.TrimEnd('.')}"),
    };
}
