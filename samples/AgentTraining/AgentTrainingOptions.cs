using EmbeddedMlp.Agents;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Learning algorithms of the sample.</summary>
public enum Algorithm
{
    /// <summary>Advantage actor-critic with n-step returns (the sample's own, <see cref="ActorCritic"/>).</summary>
    A2c,
    /// <summary>Double DQN (the runtime's <see cref="Dqn"/>).</summary>
    Dqn,
    /// <summary>PPO (the runtime's <see cref="Ppo"/>).</summary>
    Ppo,
}

/// <summary>Game worlds of the sample.</summary>
public enum World
{
    /// <summary>Cart-poles at 60 Hz, 500-tick episodes, discrete actions (<see cref="CartPoleArena"/>).</summary>
    CartPole,
    /// <summary>Gym's Pendulum-v1 swing-up, 200-step episodes, a continuous torque (<see cref="PendulumArena"/>).</summary>
    Pendulum,
}

/// <summary>What one training run does; <see cref="CommandLine"/> builds it from the arguments.</summary>
public sealed record AgentTrainingOptions
{
    /// <summary>The learning algorithm.</summary>
    public Algorithm Algorithm { get; init; } = Algorithm.A2c;
    /// <summary>The game world.</summary>
    public World World { get; init; } = World.CartPole;
    /// <summary>Seed of everything random (weights, episode starts, action sampling): same seed, same run, bit for bit.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Agents playing at once, all acting through one batched <c>Predict</c>.</summary>
    public int Agents { get; init; } = 32;
    /// <summary>Frame budget: the run stops here if the success criterion was not met before (or at the end, with <see cref="StopAtSuccess"/> off).</summary>
    public int MaxFrames { get; init; } = 30_000;
    /// <summary>Success: mean episode score over the last <see cref="SuccessWindow"/> episodes at least this (length for CartPole, return for the pendulum).</summary>
    public double SuccessScore { get; init; } = 475;
    /// <summary>Episodes in the success window.</summary>
    public int SuccessWindow { get; init; } = 100;
    /// <summary>Stop as soon as the criterion is met (else run the whole budget).</summary>
    public bool StopAtSuccess { get; init; } = true;
    /// <summary>Microseconds of each frame that learning updates may take (a <see cref="TrainingBudget"/>).</summary>
    public double TrainingBudgetMicroseconds { get; init; } = 2000;
    /// <summary>Updates run every frame whatever the budget, when queued.</summary>
    public int MinimumUpdatesPerFrame { get; init; } = 1;
    /// <summary>Guard the learner with a <see cref="PolicyGuard"/> (null = no guard).</summary>
    public PolicyGuardSettings? Guard { get; init; }
    /// <summary>Gate DQN's acting network with a <see cref="PolicyGate"/> evaluating on a private CartPole (null = no gate; DQN on CartPole only).</summary>
    public GateOptions? Gate { get; init; }
    /// <summary>Frames excluded from the cost percentiles and the GC count (the first frames after the loading screen).</summary>
    public int WarmupFrames { get; init; } = 100;
    /// <summary>A progress line every this many frames; 0 = none.</summary>
    public int ProgressEvery { get; init; } = 250;
    /// <summary>A learning-curve point every this many frames.</summary>
    public int CurveEvery { get; init; } = 25;
    /// <summary>Where to save the trained policy (at the end of the run); null = do not save.</summary>
    public string? OutPath { get; init; }
    /// <summary>Also save to <see cref="OutPath"/> every this many frames during the run; 0 = only at the end.</summary>
    public int SaveEvery { get; init; }
    /// <summary>A2C hyper-parameters.</summary>
    public ActorCriticSettings ActorCritic { get; init; } = new();
    /// <summary>DQN hyper-parameters.</summary>
    public DqnSettings Dqn { get; init; } = new();
    /// <summary>PPO hyper-parameters (<see cref="CommandLine"/> picks them per world).</summary>
    public PpoSettings Ppo { get; init; } = new();

    /// <summary>Environment steps per frame: one per agent.</summary>
    public long StepsPerFrame => Agents;
}

/// <summary>
/// DQN's evaluation gate (<see cref="PolicyGate"/> over a <see cref="CartPoleEvaluation"/>): how candidates are evaluated
/// and when gating starts.
/// </summary>
public sealed record GateOptions
{
    /// <summary>Episodes of each evaluation, played at once (the rows of one Predict a step).</summary>
    public int Episodes { get; init; } = 32;
    /// <summary>Random actions in the evaluation; null = the deployed network's own ε in the game (<see cref="DqnSettings.EpsilonEnd"/>).</summary>
    public float? Epsilon { get; init; }
    /// <summary>Evaluation ticks per frame (each one Predict of <see cref="Episodes"/> rows).</summary>
    public int StepsPerFrame { get; init; } = 4;
    /// <summary>Evaluation score that arms the gate (500: every evaluation episode reached the time limit).</summary>
    public float ArmAt { get; init; } = CartPoleArena.MaxEpisodeLength;
}
