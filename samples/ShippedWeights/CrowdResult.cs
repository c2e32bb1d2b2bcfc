using EmbeddedMlp.Samples.AgentTraining;

namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>What a crowd run measured.</summary>
public sealed class CrowdResult
{
    public int Agents { get; init; }
    public int Frames { get; init; }
    /// <summary>Episodes finished (fell, or reached 500 ticks).</summary>
    public long Episodes { get; init; }
    /// <summary>Episodes that ended because the pole fell or the cart left the track.</summary>
    public long Failures { get; init; }
    /// <summary>The task score: mean length of the finished episodes (500 = every episode balanced to the end).</summary>
    public double MeanEpisodeLength { get; init; }
    public double ScoreThreshold { get; init; }
    public bool PassesThreshold => MeanEpisodeLength >= ScoreThreshold;
    /// <summary>Cost of the policy's work per frame (one batched Predict + picking each agent's action), after warm-up.</summary>
    public FrameCost Cost { get; init; }
    public int GcCollectionsAfterWarmup { get; init; }
    public long AllocatedBytesAfterWarmup { get; init; }
}
