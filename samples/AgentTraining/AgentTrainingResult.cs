using System;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>What a training run measured.</summary>
public sealed class AgentTrainingResult
{
    /// <summary>The options of the run.</summary>
    public AgentTrainingOptions Options { get; init; } = null!;
    /// <summary>The learner and its settings, in one line.</summary>
    public string LearnerDescription { get; init; } = "";
    /// <summary>Frames played.</summary>
    public int Frames { get; init; }
    /// <summary>Environment steps taken, one per agent and frame.</summary>
    public long EnvironmentSteps => (long)Frames * Options.Agents;
    /// <summary>First frame (1-based) at which the success criterion held; null if it never did within the budget.</summary>
    public int? FramesToSuccess { get; init; }
    /// <summary>Environment steps taken by the first success.</summary>
    public long? StepsToSuccess => FramesToSuccess * (long)Options.Agents;
    /// <summary>Episodes finished.</summary>
    public long Episodes { get; init; }
    /// <summary>Mean score of the last 100 episodes at the end of the run.</summary>
    public double FinalMeanScore { get; init; }
    /// <summary>The lowest mean score of any 100-episode window ending after the first success (NaN without success).</summary>
    public double LowestMeanAfterSuccess { get; init; }
    /// <summary>100-episode windows ending after the first success (the one at the success included).</summary>
    public long WindowsAfterSuccess { get; init; }
    /// <summary>Those whose mean was below the success score (0: the skill was kept in every window).</summary>
    public long WindowsBelowSuccessAfterSuccess { get; init; }
    /// <summary>Learning updates run.</summary>
    public long Updates { get; init; }
    /// <summary>Times the policy guard put the best parameters back (0 without a guard).</summary>
    public int GuardRestores { get; init; }
    /// <summary>What DQN's evaluation gate did (null without a gate).</summary>
    public GateCounts? Gate { get; init; }
    /// <summary>Learning curve: mean score of the last 100 episodes every <see cref="AgentTrainingOptions.CurveEvery"/> frames.</summary>
    public float[] Curve { get; init; } = Array.Empty<float>();
    /// <summary>What the learner's warm-up cost before the first frame (the loading screen), in microseconds.</summary>
    public double WarmupMicroseconds { get; init; }
    /// <summary>Cost of the learning work (act + record + updates) per frame, after warm-up.</summary>
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
    /// <summary>The trained network a game ships.</summary>
    public Mlp Policy { get; init; } = null!;

    public bool Succeeded => FramesToSuccess.HasValue;
}

/// <summary>
/// A <see cref="EmbeddedMlp.Agents.PolicyGate"/>'s counts at the end of a run: evaluations, promotions (the first arms it),
/// rejections, the deployed network's evaluation score, and the first frames (1-based, 0 = never) whose agents acted
/// with the first and with the last promoted network.
/// </summary>
public sealed record GateCounts(int Evaluations, int Promotions, int Rejections, bool Armed, float DeployedScore, int ArmedFrame, int LastPromotionFrame);
