using System;
using EmbeddedMlp.Serialization;

namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>Where the shipped policy comes from: a model file on disk, or the bytes of one (a Unity <c>TextAsset</c>).</summary>
public static class PolicySource
{
    /// <summary>
    /// The model file committed with the sample, next to this project (copied to the output directory). Written by
    /// <c>AgentTraining --seed 1 --out</c>. The <c>.bytes</c> extension is what makes Unity import a binary file as a
    /// <c>TextAsset</c> (its <c>.meta</c> then names the <c>TextScriptImporter</c>); the format does not care.
    /// </summary>
    public const string ShippedFileName = "cartpole-policy.bytes";

    /// <summary>Loads a policy from a model file (format v1). Bad bytes raise <see cref="ModelFormatException"/>.</summary>
    public static Mlp LoadFromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ModelFile.Load(path);
    }

    /// <summary>
    /// Loads a policy from the bytes of a model file, as a game gets them from a Unity <c>TextAsset.bytes</c>.
    /// Bad bytes raise <see cref="ModelFormatException"/>.
    /// </summary>
    public static Mlp LoadFromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return ModelFile.Load(bytes);
    }
}
