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
    /// <summary>Adam learning rate of the policy.</summary>
    public float PolicyLearningRate { get; init; } = 3e-4f;
    /// <summary>Adam learning rate of the critic.</summary>
    public float ValueLearningRate { get; init; } = 1e-3f;
    /// <summary>Weight β of the entropy bonus of the policy.</summary>
    public float EntropyBonus { get; init; } = 0.01f;
    /// <summary>Global gradient-norm clipping of both networks.</summary>
    public float ClipNorm { get; init; } = 1f;
}
