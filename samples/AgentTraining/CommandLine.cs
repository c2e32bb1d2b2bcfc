using System;
using System.Globalization;
using EmbeddedMlp.Agents;
using static EmbeddedMlp.Samples.OptionParsing;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Parses the sample's command line (see <see cref="Usage"/>) into <see cref="AgentTrainingOptions"/>.</summary>
public static class CommandLine
{
    public const string Usage =
        "usage: AgentTraining [--algorithm a2c|dqn|ppo] [--env cartpole|pendulum] [--seed N] [--agents N] [--frames N]\n" +
        "                     [--budget-us N] [--guard] [--gate] [--activation relu|tanh] [--out PATH [--save-every N]] [--full-budget] [--quiet]\n" +
        "  --algorithm A   a2c (advantage actor-critic, default), dqn (double DQN) or ppo\n" +
        "  --env E         cartpole (default) or pendulum (continuous torque: ppo only)\n" +
        "  --seed N        seed of the whole run (default 1)\n" +
        "  --agents N      agents acting through one batched Predict, 2..1024 (default 32)\n" +
        "  --frames N      frame budget (default: cartpole 30000; pendulum 1,000,000 environment steps / agents)\n" +
        "  --budget-us N   microseconds of each frame that learning updates may use, 1..1000000 (default 2000; at least one\n" +
        "                  queued update runs every frame)\n" +
        "  --guard         after success, put the best parameters back when the score falls (PolicyGuard: 100 episodes, 0.98)\n" +
        "  --gate          dqn: the agents act with a deployed copy of the Q-network, replaced only by a snapshot that keeps\n" +
        "                  32 private off-screen episodes up to the time limit (PolicyGate; evaluation 4 ticks a frame)\n" +
        "  --activation A  hidden layers of the a2c networks: tanh (default) or relu\n" +
        "  --out PATH      save the trained policy there at the end (model file v1, atomic)\n" +
        "  --save-every N  also save it there every N frames during the run (needs --out)\n" +
        "  --full-budget   keep training after the success criterion is met (the stability figure needs it)\n" +
        "  --quiet         no progress lines";

    /// <summary>The options, or an <see cref="ArgumentException"/> naming the option, what was expected and what was found.</summary>
    public static AgentTrainingOptions Parse(string[] args, out bool quiet)
    {
        ulong seed = 1;
        int agents = 32, saveEvery = 0;
        int? frames = null;
        double budget = 2000;
        string? outPath = null;
        bool fullBudget = false, guard = false, gate = false;
        Algorithm algorithm = Algorithm.A2c;
        World world = World.CartPole;
        Activation hidden = new ActorCriticSettings().HiddenActivation;
        quiet = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "--algorithm": algorithm = ParseAlgorithm(a, Value(args, ref i)); break;
                case "--env": world = ParseWorld(a, Value(args, ref i)); break;
                case "--seed": seed = ParseULong(a, Value(args, ref i)); break;
                case "--agents": agents = ParseInt(a, Value(args, ref i), 2, 1024); break;
                case "--frames": frames = ParseInt(a, Value(args, ref i), 1, 100_000_000); break;
                case "--budget-us": budget = ParseInt(a, Value(args, ref i), 1, 1_000_000); break;
                case "--guard": guard = true; break;
                case "--gate": gate = true; break;
                case "--activation": hidden = ParseHidden(a, Value(args, ref i)); break;
                case "--out": outPath = Value(args, ref i); break;
                case "--save-every": saveEvery = ParseInt(a, Value(args, ref i), 1, 100_000_000); break;
                case "--full-budget": fullBudget = true; break;
                case "--quiet": quiet = true; break;
                default:
                    throw new ArgumentException($"unknown option '{a}': expected one of --algorithm, --env, --seed, --agents, --frames, --budget-us, --guard, --gate, " +
                                                "--activation, --out, --save-every, --full-budget, --quiet.");
            }
        }
        if (saveEvery > 0 && outPath is null)
            throw new ArgumentException("--save-every: expected --out PATH as well (where to save), found no --out.");
        if (world == World.Pendulum && algorithm != Algorithm.Ppo)
            throw new ArgumentException($"--env pendulum: expected --algorithm ppo (the pendulum's torque is continuous; {Name(algorithm)} here acts on discrete actions), found --algorithm {Name(algorithm)}.");
        if (gate && algorithm != Algorithm.Dqn)
            throw new ArgumentException($"--gate: expected --algorithm dqn (the gate deploys a copy of an off-policy learner's network), found --algorithm {Name(algorithm)}.");
        return Defaults(world, algorithm) with
        {
            Seed = seed, Agents = agents, OutPath = outPath, SaveEvery = saveEvery, StopAtSuccess = !fullBudget,
            TrainingBudgetMicroseconds = budget,
            MaxFrames = frames ?? (world == World.Pendulum ? (int)(1_000_000 / agents) : 30_000),
            Guard = guard ? new PolicyGuardSettings { Window = 100, RestoreBelow = 0.98f, ArmAt = (float)Defaults(world, algorithm).SuccessScore } : null,
            Gate = gate ? new GateOptions() : null,
            ActorCritic = new ActorCriticSettings { HiddenActivation = hidden },
        };
    }

    /// <summary>The options of a world and algorithm as the README's figures use them (the other options at their defaults).</summary>
    public static AgentTrainingOptions Defaults(World world, Algorithm algorithm) => world switch
    {
        World.Pendulum => new AgentTrainingOptions
        {
            World = world, Algorithm = algorithm, SuccessScore = -250, MaxFrames = 1_000_000 / 32,
            // SB3 zoo's tuned Pendulum-v1 PPO where it applies (γ 0.9, 10 epochs, learning rate 1e-3, no entropy bonus),
            // with rollouts of 64 steps × 32 agents in 32 minibatches and the learning rate decayed over 200k steps.
            Ppo = new PpoSettings
            {
                Steps = 64, Epochs = 10, Minibatches = 32, LearningRate = 1e-3f, LearningRateDecaySteps = 200_000, Gamma = 0.9f, Lambda = 0.95f,
                EntropyCoefficient = 0f, ClipEpsilon = 0.2f, ValueClip = 0f, ClipNorm = 0.5f,
            },
        },
        // DQN's rewards are scaled by 1 − γ, so that Q-values (at most 1) stay within the Huber loss's quadratic region.
        _ => new AgentTrainingOptions { World = world, Algorithm = algorithm, SuccessScore = 475, MaxFrames = 30_000, Dqn = new DqnSettings { RewardScale = 0.01f } },
    };

    public static string Name(Algorithm a) => a switch { Algorithm.Dqn => "dqn", Algorithm.Ppo => "ppo", _ => "a2c" };
    public static string Name(World w) => w == World.Pendulum ? "pendulum" : "cartpole";

    private static Algorithm ParseAlgorithm(string option, string text) => text switch
    {
        "a2c" => Algorithm.A2c,
        "dqn" => Algorithm.Dqn,
        "ppo" => Algorithm.Ppo,
        _ => throw new ArgumentException($"{option}: expected a2c, dqn or ppo, found '{text}'."),
    };

    private static World ParseWorld(string option, string text) => text switch
    {
        "cartpole" => World.CartPole,
        "pendulum" => World.Pendulum,
        _ => throw new ArgumentException($"{option}: expected cartpole or pendulum, found '{text}'."),
    };

    private static Activation ParseHidden(string option, string text) => text switch
    {
        "relu" => Activation.Relu,
        "tanh" => Activation.Tanh,
        _ => throw new ArgumentException($"{option}: expected relu or tanh, found '{text}'."),
    };
}
