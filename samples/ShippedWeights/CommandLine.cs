using System;
using System.Globalization;
using static EmbeddedMlp.Samples.OptionParsing;

namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>Options of the ShippedWeights sample.</summary>
public sealed class ShippedWeightsOptions
{
    /// <summary>Model file to load; null = the file shipped with the sample.</summary>
    public string? ModelPath { get; init; }
    public CrowdOptions Crowd { get; init; } = new();
}

/// <summary>Parses <c>[--model PATH] [--agents N] [--frames N] [--seed N]</c>.</summary>
public static class CommandLine
{
    public const string Usage =
        "usage: ShippedWeights [--model PATH] [--agents N] [--frames N] [--seed N]\n" +
        "  --model PATH     model file to load (default: the sample's shipped cartpole-policy.bytes)\n" +
        "  --agents N       agents driven by the policy, 1..100000 (default 1000)\n" +
        "  --frames N       frames at 60 Hz, 1..1000000 (default 3000)\n" +
        "  --seed N         seed of the episode starts (default 1)";

    public static ShippedWeightsOptions Parse(string[] args)
    {
        var d = new CrowdOptions();
        int agents = d.Agents, frames = d.Frames;
        ulong seed = d.Seed;
        string? model = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = Value(args, ref i); break;
                case "--agents": agents = ParseInt("--agents", Value(args, ref i), 1, 100_000); break;
                case "--frames": frames = ParseInt("--frames", Value(args, ref i), 1, 1_000_000); break;
                case "--seed": seed = ParseULong("--seed", Value(args, ref i)); break;
                default: throw new ArgumentException($"unknown option '{args[i]}': expected --model, --agents, --frames or --seed.");
            }
        }
        return new ShippedWeightsOptions
        {
            ModelPath = model,
            Crowd = new CrowdOptions { Agents = agents, Frames = frames, Seed = seed },
        };
    }
}
