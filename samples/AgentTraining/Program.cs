using System;
using System.IO;
using EmbeddedMlp;
using EmbeddedMlp.Samples.AgentTraining;

// Agents that learn inside a running game loop: cart-poles (a2c, dqn, ppo) or pendulums (ppo). See README.md.
AgentTrainingOptions options;
bool quiet;
try
{
    options = CommandLine.Parse(args, out quiet);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (options.OutPath is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(options.OutPath))))
{
    Console.Error.WriteLine($"error: --out: expected a path in an existing folder, found '{options.OutPath}' (no folder {Path.GetDirectoryName(Path.GetFullPath(options.OutPath))}).");
    return 2;
}

bool pendulum = options.World == World.Pendulum;
string scoreName = pendulum ? "mean return" : "mean length";
Console.WriteLine(pendulum
    ? $"Pendulum swing-up (Gym Pendulum-v1 dynamics and reward), {options.Agents} agents, seed {options.Seed}: {Report.LearnerName(options)}."
    : $"CartPole at 60 Hz, {options.Agents} agents, seed {options.Seed}: {Report.LearnerName(options)}.");
Console.WriteLine($"Success: {scoreName} ≥ {options.SuccessScore} over the last {options.SuccessWindow} episodes " +
                  $"({(pendulum ? $"{PendulumArena.EpisodeLength}-step episodes" : $"episodes cut at {CartPoleArena.MaxEpisodeLength} ticks")}), " +
                  $"within {options.MaxFrames} frames ({(long)options.MaxFrames * options.Agents:N0} environment steps); " +
                  $"learning updates within {options.TrainingBudgetMicroseconds:F0} µs a frame{(options.Guard is null ? "" : "; policy guard on")}{(options.Gate is null ? "" : "; evaluation gate on")}.");

AgentTrainingResult r;
try
{
    r = AgentTrainingRun.Run(options, quiet ? null : Console.Out);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"--out {options.OutPath}: not saved: {e.Message}");
    return 3;
}

Console.Write(Report.Summary(r));
return r.Succeeded ? 0 : 1;
