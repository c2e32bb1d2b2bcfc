using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace EmbeddedMlp.Cli.Commands;

/// <summary>Option factories with invariant-culture parsing and range checks (violations are usage errors).</summary>
internal static class CliOptions
{
    public static Option<string> RequiredPath(string name, string description) =>
        new(name) { Description = description, Required = true, HelpName = "path" };

    public static Option<string?> Path(string name, string description) =>
        new(name) { Description = description, HelpName = "path" };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>An int option ≥ <paramref name="min"/>, with a default; <paramref name="check"/> may reject a value with a message.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min, Func<int, string?>? check = null)
    {
        return new Option<int>(name)
        {
            Description = description,
            HelpName = "n",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                    r.AddError($"{name}: expected an integer, found \"{text}\"");
                else if (v < min)
                    r.AddError($"{name}: expected an integer ≥ {min}, found {v}");
                else if (check?.Invoke(v) is string problem)
                    r.AddError($"{name}: {problem}");
                return v;
            },
        };
    }

    /// <summary>A non-negative finite float option without a default (null when absent).</summary>
    public static Option<float?> Float(string name, string description)
    {
        return new Option<float?>(name)
        {
            Description = description,
            HelpName = "x",
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v) && v >= 0f)
                    return v;
                r.AddError($"{name}: expected a finite number ≥ 0, found \"{text}\"");
                return null;
            },
        };
    }

    /// <summary>A positive finite double option with a default.</summary>
    public static Option<double> PositiveDouble(string name, string description, double defaultValue)
    {
        return new Option<double>(name)
        {
            Description = description,
            HelpName = "x",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0)
                    return v;
                r.AddError($"{name}: expected a finite number > 0, found \"{text}\"");
                return 0;
            },
        };
    }

    /// <summary>True when the option was written on the command line (not just defaulted).</summary>
    public static bool Given(ParseResult parse, Option option) =>
        parse.GetResult(option) is OptionResult { Implicit: false };

    /// <summary>Parses <c>64:relu,64:relu,3:softmax</c> into layer specs (usage error on anything else).</summary>
    public static LayerSpec[] ParseLayers(string text, bool bias)
    {
        var specs = new List<LayerSpec>();
        string[] parts = text.Split(',');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i].Trim();
            int colon = part.IndexOf(':');
            string units = colon < 0 ? part : part[..colon];
            string activation = colon < 0 ? "" : part[(colon + 1)..].Trim();
            if (!int.TryParse(units, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new UsageException($"--layers: expected units:activation for layer {i + 1} (e.g. 64:relu), found \"{part}\"");
            if (!ActivationNames.TryParse(activation, out Activation act))
                throw new UsageException($"--layers: expected an activation (identity, relu, leaky_relu, tanh, sigmoid, softmax) for layer {i + 1}, found \"{activation}\"");
            if (act == Activation.Softmax && i != parts.Length - 1)
                throw new UsageException($"--layers: expected softmax only on the last layer, found it on layer {i + 1} of {parts.Length}");
            specs.Add(new LayerSpec(n, act, bias));
        }
        return specs.ToArray();
    }

    /// <summary>Parses a comma-separated list of batch sizes such as <c>1,32,256</c>.</summary>
    public static int[] ParseBatchList(string text, int max)
    {
        var sizes = new List<int>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > max)
                throw new UsageException($"--batch: expected comma-separated batch sizes 1..{max} (e.g. 1,32,256), found \"{part.Trim()}\"");
            if (!sizes.Contains(n)) sizes.Add(n);
        }
        return sizes.ToArray();
    }
}
