using System;
using System.Diagnostics;
using EmbeddedMlp.Samples.AgentTraining;

namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>
/// A crowd driven by a shipped policy: every frame, all agents' observations go through one batched
/// <see cref="Mlp.Predict"/> and each agent takes its most probable action (no exploration, no learning).
/// </summary>
public static class CrowdRun
{
    public static CrowdResult Run(Mlp policy, CrowdOptions options)
    {
        PolicyCheck.EnsureFitsCartPole(policy);
        int n = options.Agents;
        var arena = new CartPoleArena(n, options.Seed);
        var episodes = new EpisodeStats(window: 1);
        var observations = new float[n * CartPole.ObservationSize];
        var probabilities = new float[n * CartPole.ActionCount];
        var actions = new int[n];
        var rewards = new float[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        var cost = new long[options.Frames];
        long lengthSum = 0, failures = 0;
        int gcBefore = 0;
        long allocatedBefore = 0;

        arena.Observe(observations);
        for (int frame = 0; frame < options.Frames; frame++)
        {
            if (frame == options.WarmupFrames)
            {
                gcBefore = GC.CollectionCount(0);
                allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            }

            long t0 = Stopwatch.GetTimestamp();
            policy.Predict(observations, probabilities);                 // every agent at once
            for (int i = 0; i < n; i++) actions[i] = probabilities[2 * i + 1] > probabilities[2 * i] ? 1 : 0;
            cost[frame] = Stopwatch.GetTimestamp() - t0;

            arena.Step(actions, rewards, terminated, truncated);
            arena.Observe(observations);
            for (int i = 0; i < n; i++)
            {
                if (!terminated[i] && !truncated[i]) continue;
                lengthSum += arena.EpisodeTicks(i);
                if (terminated[i]) failures++;
            }
            arena.ResetEnded(terminated, truncated, episodes, observations);
        }

        // Read the counters before building the result: sorting the frame costs is not part of the game loop.
        bool warm = options.Frames > options.WarmupFrames;
        int gc = warm ? GC.CollectionCount(0) - gcBefore : 0;
        long allocated = warm ? GC.GetAllocatedBytesForCurrentThread() - allocatedBefore : 0;
        int from = Math.Min(options.WarmupFrames, options.Frames);
        return new CrowdResult
        {
            Agents = n,
            Frames = options.Frames,
            Episodes = episodes.Count,
            Failures = failures,
            MeanEpisodeLength = episodes.Count == 0 ? 0 : (double)lengthSum / episodes.Count,
            ScoreThreshold = options.ScoreThreshold,
            Cost = FrameCost.FromTicks(cost.AsSpan(from)),
            GcCollectionsAfterWarmup = gc,
            AllocatedBytesAfterWarmup = allocated,
        };
    }
}
