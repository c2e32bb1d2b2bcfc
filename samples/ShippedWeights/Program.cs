using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedMlp;
using EmbeddedMlp.Samples.ShippedWeights;
using EmbeddedMlp.Serialization;

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
if (!File.Exists(path))
{
    Console.Error.WriteLine(options.ModelPath is not null
        ? $"error: --model: expected an existing model file, found no file at '{path}'."
        : $"error: expected the shipped policy next to the executable, found no file at '{path}' " +
          $"(it is samples/ShippedWeights/{PolicySource.ShippedFileName}, copied by the build).");
    return 2;
}

Mlp policy, fromBytes;
IReadOnlyDictionary<string, string> metadata;
byte[] bytes;
try
{
    policy = PolicySource.LoadFromFile(path);        // from a file on disk
    bytes = File.ReadAllBytes(path);                 // what a Unity TextAsset.bytes holds
    fromBytes = PolicySource.LoadFromBytes(bytes);   // as a Unity game loads it
    metadata = ModelFile.ReadMetadata(bytes);
}
catch (ModelFormatException e)
{
    Console.Error.WriteLine($"error: {path} is not a valid model file: {e.Message}");
    return 1;
}
bool same = PolicyCheck.IdenticalWeights(policy, fromBytes);
Console.WriteLine($"loaded {path} ({bytes.Length} bytes, model file v1) from the file and from its bytes in memory: " +
                  $"{(same ? "identical weights, bit for bit" : "DIFFERENT weights")}");
if (!same) return 1;

try
{
    PolicyCheck.EnsureFitsCartPole(policy);
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
Console.Write(PolicyCheck.Summary(policy, metadata));

CrowdOptions crowd = options.Crowd;
Console.WriteLine($"driving {crowd.Agents} cart-poles for {crowd.Frames} frames ({crowd.Frames / 60.0:F0} s at 60 Hz), one batched Predict per frame, greedy actions");
CrowdResult r = CrowdRun.Run(policy, crowd);
Console.WriteLine($"score: mean episode length {r.MeanEpisodeLength:F1} over {r.Episodes} finished episodes ({r.Failures} fell), threshold {r.ScoreThreshold}: {(r.PassesThreshold ? "PASS" : "FAIL")}");
Console.WriteLine($"policy work per frame (Predict of {r.Agents} rows + action pick): {r.Cost}");
Console.WriteLine($"after warm-up ({crowd.WarmupFrames} frames): {r.GcCollectionsAfterWarmup} GC collections, {r.AllocatedBytesAfterWarmup} bytes allocated");
return r.PassesThreshold ? 0 : 1;
