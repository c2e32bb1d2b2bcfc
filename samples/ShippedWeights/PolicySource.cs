using System;
using System.IO;
using EmbeddedMlp.Samples.AgentTraining;

namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>Where the shipped policy comes from: a model file, the bytes of one (a Unity <c>TextAsset</c>), or — until model files exist — training.</summary>
public static class PolicySource
{
    /// <summary>The model file committed with the sample, next to this project (copied to the output directory).</summary>
    public const string ShippedFileName = "cartpole-policy.emlp";

    /// <summary>
    /// Loads a policy from a model file (format v1).
    /// TODO(issue 4): one call into the runtime's <c>ModelFile</c> load API once it is merged.
    /// </summary>
    public static Mlp LoadFromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        throw new NotSupportedException("model files arrive with issue 4");
    }

    /// <summary>
    /// Loads a policy from the bytes of a model file, as a game gets them from a Unity <c>TextAsset.bytes</c>.
    /// TODO(issue 4): one call into the runtime's <c>ModelFile</c> load-from-memory API once it is merged.
    /// </summary>
    public static Mlp LoadFromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        throw new NotSupportedException("model files arrive with issue 4");
    }

    /// <summary>
    /// Stand-in for the shipped file: trains the policy in-process with the AgentTraining sample (seed
    /// <paramref name="seed"/>, stopping at its success criterion), which is how the shipped file is produced.
    /// </summary>
    public static Mlp TrainInProcess(ulong seed, TextWriter? log = null)
    {
        AgentTrainingResult r = AgentTrainingRun.Run(new AgentTrainingOptions { Seed = seed, ProgressEvery = 0 });
        if (!r.Succeeded)
            throw new InvalidOperationException($"training seed {seed}: the success criterion was not met within {r.Frames} frames (mean length {r.FinalMeanLength:F1}).");
        log?.WriteLine($"trained in-process: seed {seed}, success at frame {r.FramesToSuccess}");
        return r.Policy;
    }
}
