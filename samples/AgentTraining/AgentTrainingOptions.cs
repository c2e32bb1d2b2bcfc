namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>What one training run does; <see cref="CommandLine"/> builds it from the arguments.</summary>
public sealed class AgentTrainingOptions
{
    /// <summary>Seed of everything random (weights, episode starts, action sampling): same seed, same run, bit for bit.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Agents playing at once, all acting through one batched <c>Predict</c>.</summary>
    public int Agents { get; init; } = 32;
    /// <summary>Frame budget: the run stops here if the success criterion was not met before.</summary>
    public int MaxFrames { get; init; } = 30_000;
    /// <summary>Success: mean episode length over the last <see cref="SuccessWindow"/> episodes at least this.</summary>
    public double SuccessMeanLength { get; init; } = 475;
    /// <summary>Episodes in the success window.</summary>
    public int SuccessWindow { get; init; } = 100;
    /// <summary>Stop as soon as the criterion is met (else run the whole budget).</summary>
    public bool StopAtSuccess { get; init; } = true;
    /// <summary>Frames excluded from the cost percentiles and the GC count (JIT, first workspaces).</summary>
    public int WarmupFrames { get; init; } = 100;
    /// <summary>A progress line every this many frames; 0 = none.</summary>
    public int ProgressEvery { get; init; } = 250;
    /// <summary>A learning-curve point every this many frames.</summary>
    public int CurveEvery { get; init; } = 25;
    /// <summary>Where to save the trained policy (at the end of the run); null = do not save.</summary>
    public string? OutPath { get; init; }
    /// <summary>Also save to <see cref="OutPath"/> every this many frames during the run; 0 = only at the end.</summary>
    public int SaveEvery { get; init; }
    /// <summary>Learner hyper-parameters.</summary>
    public ActorCriticSettings Learner { get; init; } = new();
}
