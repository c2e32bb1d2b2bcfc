using System;
using EmbeddedMlp;
using EmbeddedMlp.Samples.AgentTraining;

// Agents that learn to balance cart-poles inside a running 60 Hz game loop. See README.md.
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

Console.WriteLine($"CartPole at 60 Hz, {options.Agents} agents, seed {options.Seed}: advantage actor-critic " +
                  $"({options.Learner.Horizon}-step returns, {options.Learner.HiddenActivation.ToName()} hidden layers), one batched Predict and one training step per network every frame.");
Console.WriteLine($"Success: mean episode length ≥ {options.SuccessMeanLength} over the last {options.SuccessWindow} episodes " +
                  $"(episodes cut at {CartPoleArena.MaxEpisodeLength} ticks), within {options.MaxFrames} frames.");

AgentTrainingResult r = AgentTrainingRun.Run(options, quiet ? null : Console.Out);

Console.WriteLine();
Console.WriteLine($"Learning curve: mean episode length of the last {options.SuccessWindow} episodes");
Console.Write(TextChart.Render(r.Curve, CartPoleArena.MaxEpisodeLength, r.CurveEvery));
Console.WriteLine();
Console.WriteLine(r.Succeeded
    ? $"SUCCESS at frame {r.FramesToSuccess} ({r.FramesToSuccess / 60.0:F0} s of game time); run ended at frame {r.Frames}: {r.Episodes} episodes, {r.TrainingSteps} training steps per network, mean length {r.FinalMeanLength:F1}"
    : $"NOT SOLVED within {r.Frames} frames: mean length {r.FinalMeanLength:F1} over the last {options.SuccessWindow} episodes ({r.Episodes} episodes)");
Console.WriteLine($"act + train per frame: {r.Cost}");
Console.WriteLine($"after warm-up ({options.WarmupFrames} frames): {r.GcCollectionsAfterWarmup} GC collections, {r.AllocatedBytesAfterWarmup} bytes allocated by the game loop");

if (options.OutPath is not null)
{
    try
    {
        PolicyFile.SavePolicy(r.Policy, options.OutPath);
        Console.WriteLine($"policy saved to {options.OutPath}");
    }
    catch (NotSupportedException e)
    {
        Console.Error.WriteLine($"--out {options.OutPath}: not saved: {e.Message}");
        return 3;
    }
}
return r.Succeeded ? 0 : 1;
