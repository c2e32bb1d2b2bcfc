using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace EmbeddedMlp.Cli.Data;

/// <summary>
/// A numeric CSV file: comma-separated numbers, one sample per row, every row the same width. The first non-blank line
/// is a header, and skipped, only when none of its fields parses as a number (<c>x,y,class</c>); if any field does, it
/// is data like every other row, so a typo in it (<c>1.5,2x,0</c>) or a numeric-looking column name (<c>x1,2,label</c>)
/// is reported with its line and column instead of the row being dropped. Blank lines are skipped. Values are row-major
/// in <see cref="Values"/>.
/// </summary>
public sealed class CsvTable
{
    private CsvTable(string path, float[] values, int rows, int columns, int[] lines)
    {
        Path = path;
        Values = values;
        Rows = rows;
        Columns = columns;
        _lines = lines;
    }

    private readonly int[] _lines;

    /// <summary>The file as named on the command line (used in error messages).</summary>
    public string Path { get; }
    /// <summary>Row-major cells, <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public float[] Values { get; }
    /// <summary>Data rows (header and blank lines excluded).</summary>
    public int Rows { get; }
    /// <summary>Cells per row.</summary>
    public int Columns { get; }

    /// <summary>1-based line number in the file of data row <paramref name="row"/>.</summary>
    public int LineOf(int row) => _lines[row];

    /// <summary>The cell at <paramref name="row"/>, <paramref name="column"/> (both 0-based).</summary>
    public float this[int row, int column] => Values[(long)row * Columns + column];

    /// <summary>Reads and validates a file; every problem is an <see cref="InputException"/> naming file, line and column.</summary>
    public static CsvTable Read(string path)
    {
        using StreamReader reader = CliFiles.OpenText(path);
        return Read(path, reader);
    }

    /// <summary>Reads and validates CSV text; <paramref name="path"/> names it in error messages.</summary>
    public static CsvTable Read(string path, TextReader reader)
    {
        var values = new List<float>();
        var lines = new List<int>();
        int columns = -1, firstDataLine = 0, lineNumber = 0;
        bool sawContent = false;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            bool first = !sawContent;
            sawContent = true;
            if (first && IsHeader(line)) continue; // no field is a number: column names

            int count = 0;
            int start = 0;
            while (true)
            {
                int comma = line.IndexOf(',', start);
                int end = comma < 0 ? line.Length : comma;
                ReadOnlySpan<char> cell = line.AsSpan(start, end - start).Trim();
                count++;
                if (columns >= 0 && count > columns)
                    throw WidthError(path, lineNumber, columns, firstDataLine, CountCells(line));
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    throw new InputException($"{path} line {lineNumber}, column {count}: expected a number, found {Quote(cell)}");
                if (!float.IsFinite(v))
                    throw new InputException($"{path} line {lineNumber}, column {count}: expected a finite number, found {Quote(cell)}");
                values.Add(v);
                if (comma < 0) break;
                start = comma + 1;
            }
            if (columns < 0)
            {
                columns = count;
                firstDataLine = lineNumber;
            }
            else if (count != columns)
            {
                throw WidthError(path, lineNumber, columns, firstDataLine, count);
            }
            lines.Add(lineNumber);
        }
        if (lines.Count == 0)
            throw new InputException($"{path}: expected at least one row of numbers, found {(sawContent ? "only a header" : "an empty file")}");
        return new CsvTable(path, values.ToArray(), lines.Count, columns, lines.ToArray());
    }

    private static InputException WidthError(string path, int line, int columns, int firstDataLine, int found) =>
        new($"{path} line {line}: expected {columns} columns (as on line {firstDataLine}), found {found}");

    private static int CountCells(string line)
    {
        int n = 1;
        foreach (char c in line) if (c == ',') n++;
        return n;
    }

    /// <summary>
    /// True when no field of <paramref name="line"/> parses as a number (NaN and infinities count as numbers, so such a
    /// row is data and gets its "expected a finite number" error rather than being skipped).
    /// </summary>
    private static bool IsHeader(string line)
    {
        foreach (Range r in line.AsSpan().Split(','))
            if (float.TryParse(line.AsSpan()[r].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                return false;
        return true;
    }

    private static string Quote(ReadOnlySpan<char> cell)
    {
        if (cell.IsEmpty) return "an empty cell";
        string s = cell.Length > 40 ? cell[..40].ToString() + "…" : cell.ToString();
        return "\"" + s + "\"";
    }
}
