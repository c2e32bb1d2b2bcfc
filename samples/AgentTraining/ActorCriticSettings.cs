namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Hyper-parameters of <see cref="ActorCritic"/>; the defaults are the ones whose figures the README reports.</summary>
public sealed class ActorCriticSettings
{
    /// <summary>Width of the two hidden layers of both networks.</summary>
    public int Hidden { get; init; } = 64;
    /// <summary>Activation of the hidden layers of both networks.</summary>
    public Activation HiddenActivation { get; init; } = Activation.Tanh;
    /// <summary>n of the n-step returns: a tick is learned from this many frames after it was played.</summary>
    public int Horizon { get; init; } = 16;
    /// <summary>Discount factor γ.</summary>
    public float Gamma { get; init; } = 0.99f;
    /// <summary>
    /// Adam learning rate of the policy. 1e-4: with 3e-4 the policy of every seed collapsed to "always push one way"
    /// somewhere in 200,000 frames of training on after success (see the README).
    /// </summary>
    public float PolicyLearningRate { get; init; } = 1e-4f;
    /// <summary>Adam learning rate of the critic.</summary>
    public float ValueLearningRate { get; init; } = 1e-3f;
    /// <summary>
    /// Weight β of the entropy bonus of the policy. 0: once the policy is good, the bonus was the largest part of its
    /// gradient and kept pushing it back toward randomness — and into brief collapses (see the README).
    /// </summary>
    public float EntropyBonus { get; init; }
    /// <summary>Global gradient-norm clipping of both networks.</summary>
    public float ClipNorm { get; init; } = 1f;
}
