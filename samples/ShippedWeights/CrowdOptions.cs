namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>How big and how long the crowd run is.</summary>
public sealed class CrowdOptions
{
    /// <summary>Agents driven by the one policy, all through one batched <c>Predict</c> per frame.</summary>
    public int Agents { get; init; } = 1000;
    /// <summary>Frames at 60 Hz.</summary>
    public int Frames { get; init; } = 3000;
    /// <summary>Seed of the episode starts.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Frames excluded from the cost percentiles and the GC count.</summary>
    public int WarmupFrames { get; init; } = 10;
    /// <summary>The score a shipped policy must reach: mean episode length (episodes cut at 500 ticks).</summary>
    public double ScoreThreshold { get; init; } = 475;
}
