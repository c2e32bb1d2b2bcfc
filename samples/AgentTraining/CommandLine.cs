using System;
using System.Globalization;
using static EmbeddedMlp.Samples.OptionParsing;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Parses <c>[--seed N] [--agents N] [--frames N] [--activation relu|tanh] [--out PATH [--save-every N]] [--full-budget] [--quiet]</c>.</summary>
public static class CommandLine
{
    public const string Usage =
        "usage: AgentTraining [--seed N] [--agents N] [--frames N] [--activation relu|tanh] [--out PATH [--save-every N]] [--full-budget] [--quiet]\n" +
        "  --seed N        seed of the whole run (default 1)\n" +
        "  --agents N      agents acting through one batched Predict, 2..1024 (default 32)\n" +
        "  --frames N      frame budget at 60 Hz (default 30000)\n" +
        "  --activation A  hidden layers of both networks: tanh (default) or relu\n" +
        "  --out PATH      save the trained policy there at the end (model file v1, atomic)\n" +
        "  --save-every N  also save it there every N frames during the run (needs --out)\n" +
        "  --full-budget   keep training after the success criterion is met\n" +
        "  --quiet         no progress lines";

    /// <summary>The options, or an <see cref="ArgumentException"/> naming the option, what was expected and what was found.</summary>
    public static AgentTrainingOptions Parse(string[] args, out bool quiet)
    {
        var defaults = new AgentTrainingOptions();
        ulong seed = defaults.Seed;
        int agents = defaults.Agents, frames = defaults.MaxFrames, saveEvery = 0;
        string? outPath = null;
        bool fullBudget = false;
        Activation hidden = defaults.Learner.HiddenActivation;
        quiet = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "--seed": seed = ParseULong(a, Value(args, ref i)); break;
                case "--agents": agents = ParseInt(a, Value(args, ref i), 2, 1024); break;
                case "--frames": frames = ParseInt(a, Value(args, ref i), 1, 100_000_000); break;
                case "--activation": hidden = ParseHidden(a, Value(args, ref i)); break;
                case "--out": outPath = Value(args, ref i); break;
                case "--save-every": saveEvery = ParseInt(a, Value(args, ref i), 1, 100_000_000); break;
                case "--full-budget": fullBudget = true; break;
                case "--quiet": quiet = true; break;
                default: throw new ArgumentException($"unknown option '{a}': expected one of --seed, --agents, --frames, --activation, --out, --save-every, --full-budget, --quiet.");
            }
        }
        if (saveEvery > 0 && outPath is null)
            throw new ArgumentException("--save-every: expected --out PATH as well (where to save), found no --out.");
        return new AgentTrainingOptions { Seed = seed, Agents = agents, MaxFrames = frames, OutPath = outPath, SaveEvery = saveEvery, StopAtSuccess = !fullBudget,
            Learner = new ActorCriticSettings { HiddenActivation = hidden } };
    }

    private static Activation ParseHidden(string option, string text) => text switch
    {
        "relu" => Activation.Relu,
        "tanh" => Activation.Tanh,
        _ => throw new ArgumentException($"{option}: expected relu or tanh, found '{text}'."),
    };
}
