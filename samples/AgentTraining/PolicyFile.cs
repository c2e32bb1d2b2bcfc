using System;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Saving the trained policy: one call into the runtime's model-file API once it exists.</summary>
public static class PolicyFile
{
    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="path"/> (atomically, model-file format v1).
    /// TODO(issue 4): replace the body with the runtime's <c>ModelFile</c> save call when that API is merged.
    /// </summary>
    public static void SavePolicy(Mlp model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        throw new NotSupportedException("model files arrive with issue 4");
    }
}
