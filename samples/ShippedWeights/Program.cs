using System;
using System.IO;
using EmbeddedMlp;
using EmbeddedMlp.Samples.ShippedWeights;

// A policy shipped with the game drives a crowd of cart-poles: load, check, then one batched Predict per frame.
ShippedWeightsOptions options;
try
{
    options = CommandLine.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

string path = options.ModelPath ?? Path.Combine(AppContext.BaseDirectory, PolicySource.ShippedFileName);
if (options.ModelPath is not null && !File.Exists(path))
{
    Console.Error.WriteLine($"error: --model: expected an existing model file, found no file at '{path}'.");
    return 2;
}

Mlp? policy = null;
if (File.Exists(path))
{
    try
    {
        policy = PolicySource.LoadFromFile(path);                           // from a file on disk
        Mlp fromBytes = PolicySource.LoadFromBytes(File.ReadAllBytes(path)); // as a Unity TextAsset hands it over
        bool same = policy.Parameters.SequenceEqual(fromBytes.Parameters);
        Console.WriteLine($"loaded {path} ({new FileInfo(path).Length} bytes); loading the same bytes from memory gives {(same ? "the same" : "DIFFERENT")} weights");
        if (!same) return 1;
    }
    catch (NotSupportedException e)
    {
        Console.WriteLine($"cannot load {path} yet: {e.Message}");
    }
}
else
{
    Console.WriteLine($"no model file at {path} (model files arrive with issue 4)");
}
if (policy is null)
{
    Console.WriteLine($"stand-in: training the policy in-process with the AgentTraining sample, seed {options.TrainSeed}…");
    policy = PolicySource.TrainInProcess(options.TrainSeed, Console.Out);
}

try
{
    PolicyCheck.EnsureFitsCartPole(policy);
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
Console.Write(PolicyCheck.Summary(policy));

CrowdOptions crowd = options.Crowd;
Console.WriteLine($"driving {crowd.Agents} cart-poles for {crowd.Frames} frames ({crowd.Frames / 60.0:F0} s at 60 Hz), one batched Predict per frame, greedy actions");
CrowdResult r = CrowdRun.Run(policy, crowd);
Console.WriteLine($"score: mean episode length {r.MeanEpisodeLength:F1} over {r.Episodes} finished episodes ({r.Failures} fell), threshold {r.ScoreThreshold}: {(r.PassesThreshold ? "PASS" : "FAIL")}");
Console.WriteLine($"policy work per frame (Predict of {r.Agents} rows + action pick): {r.Cost}");
Console.WriteLine($"after warm-up ({crowd.WarmupFrames} frames): {r.GcCollectionsAfterWarmup} GC collections, {r.AllocatedBytesAfterWarmup} bytes allocated");
return r.PassesThreshold ? 0 : 1;
