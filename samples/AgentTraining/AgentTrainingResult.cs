using System;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>What a training run measured.</summary>
public sealed class AgentTrainingResult
{
    public ulong Seed { get; init; }
    public int Agents { get; init; }
    /// <summary>Frames played.</summary>
    public int Frames { get; init; }
    /// <summary>First frame (1-based) at which the success criterion held; null if it never did within the budget.</summary>
    public int? FramesToSuccess { get; init; }
    /// <summary>Episodes finished.</summary>
    public long Episodes { get; init; }
    /// <summary>Mean length of the last 100 episodes at the end of the run.</summary>
    public double FinalMeanLength { get; init; }
    /// <summary>Training steps of each network.</summary>
    public long TrainingSteps { get; init; }
    /// <summary>Learning curve: mean length of the last 100 episodes every <see cref="CurveEvery"/> frames.</summary>
    public float[] Curve { get; init; } = Array.Empty<float>();
    public int CurveEvery { get; init; }
    /// <summary>What <see cref="ActorCritic.Warmup"/> cost before the first frame (the loading screen), in microseconds.</summary>
    public double WarmupMicroseconds { get; init; }
    /// <summary>Cost of the learning work (act + train) per frame, after warm-up.</summary>
    public FrameCost Cost { get; init; }
    /// <summary>Gen-0 collections during the frames after warm-up (counts gen-1 and gen-2 ones too).</summary>
    public int GcCollectionsAfterWarmup { get; init; }
    /// <summary>Bytes this thread allocated during the frames after warm-up, progress lines included.</summary>
    public long AllocatedBytesAfterWarmup { get; init; }
    /// <summary>Saves to <see cref="AgentTrainingOptions.OutPath"/> during the run and at its end.</summary>
    public int Saves { get; init; }
    /// <summary>Slowest save (serialise + write + flush to disk + rename), in microseconds; 0 if none.</summary>
    public double MaxSaveMicroseconds { get; init; }
    /// <summary>Mean save time in microseconds; 0 if none.</summary>
    public double MeanSaveMicroseconds { get; init; }
    /// <summary>
    /// Bytes allocated by the saves made after warm-up: saving allocates (file stream, metadata strings), so these
    /// bytes, like the save times, are kept out of <see cref="AllocatedBytesAfterWarmup"/> and <see cref="Cost"/>.
    /// </summary>
    public long SaveAllocatedBytes { get; init; }
    /// <summary>The trained shared policy.</summary>
    public Mlp Policy { get; init; } = null!;

    public bool Succeeded => FramesToSuccess.HasValue;
}
