using System;
using System.IO;
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

if (options.OutPath is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(options.OutPath))))
{
    Console.Error.WriteLine($"error: --out: expected a path in an existing folder, found '{options.OutPath}' (no folder {Path.GetDirectoryName(Path.GetFullPath(options.OutPath))}).");
    return 2;
}

Console.WriteLine($"CartPole at 60 Hz, {options.Agents} agents, seed {options.Seed}: advantage actor-critic " +
                  $"({options.Learner.Horizon}-step returns, {options.Learner.HiddenActivation.ToName()} hidden layers), one batched Predict and one training step per network every frame.");
Console.WriteLine($"Success: mean episode length ≥ {options.SuccessMeanLength} over the last {options.SuccessWindow} episodes " +
                  $"(episodes cut at {CartPoleArena.MaxEpisodeLength} ticks), within {options.MaxFrames} frames.");

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

Console.WriteLine();
Console.WriteLine($"Learning curve: mean episode length of the last {options.SuccessWindow} episodes");
Console.Write(TextChart.Render(r.Curve, CartPoleArena.MaxEpisodeLength, r.CurveEvery));
Console.WriteLine();
Console.WriteLine(r.Succeeded
    ? $"SUCCESS at frame {r.FramesToSuccess} ({r.FramesToSuccess / 60.0:F0} s of game time); run ended at frame {r.Frames}: {r.Episodes} episodes, {r.TrainingSteps} training steps per network, mean length {r.FinalMeanLength:F1}"
    : $"NOT SOLVED within {r.Frames} frames: mean length {r.FinalMeanLength:F1} over the last {options.SuccessWindow} episodes ({r.Episodes} episodes)");
Console.WriteLine($"act + train per frame: {r.Cost}; loading-screen Warmup {r.WarmupMicroseconds / 1000:F0} ms");
Console.WriteLine($"after warm-up ({options.WarmupFrames} frames): {r.GcCollectionsAfterWarmup} GC collections, {r.AllocatedBytesAfterWarmup} bytes allocated by the game loop");

if (options.OutPath is not null)
{
    Console.WriteLine($"policy saved to {options.OutPath} ({new FileInfo(options.OutPath).Length} bytes, model file v1, f32, with metadata); " +
                      $"{r.Saves} save{(r.Saves == 1 ? "" : "s")}: mean {r.MeanSaveMicroseconds:F0} µs, max {r.MaxSaveMicroseconds:F0} µs each " +
                      $"(atomic: write, flush to disk, rename), {r.SaveAllocatedBytes} bytes allocated by saves after warm-up (not counted above)");
}
return r.Succeeded ? 0 : 1;
