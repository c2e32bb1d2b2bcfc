using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Agents;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// The game loop of the sample, as a Unity <c>Update()</c> would run it: each frame, every agent observes, the learner
/// decides for all of them in one batched call, the world ticks, the learner records what happened, and queued learning
/// updates run within the frame's training budget. Everything is allocated before the first frame. With
/// <see cref="AgentTrainingOptions.OutPath"/> the policy is saved at the end, and every
/// <see cref="AgentTrainingOptions.SaveEvery"/> frames if set: a save is a frame-boundary event, timed and counted apart
/// from the learning work (it allocates and waits for the disk).
/// </summary>
public static class AgentTrainingRun
{
    /// <summary>The world and learner of <paramref name="options"/>, built from its seed.</summary>
    public static (IArena Arena, IAgentLearner Learner) Build(AgentTrainingOptions options)
    {
        int n = options.Agents;
        ulong arenaSeed = options.Seed * 0x9E3779B97F4A7C15UL + 17;
        IArena arena = options.World == World.Pendulum ? new PendulumArena(n, arenaSeed) : new CartPoleArena(n, arenaSeed);
        IAgentLearner learner = options.Algorithm switch
        {
            Algorithm.Dqn when options.Gate is { } g => new DqnLearner(arena.ObservationSize, arena.DiscreteActions, n, options.Dqn, options.Seed,
                new PolicyGateSettings { StepsPerFrame = g.StepsPerFrame, ArmAt = g.ArmAt },
                new CartPoleEvaluation(g.Episodes, g.Epsilon ?? options.Dqn.EpsilonEnd, arenaSeed ^ 0x6A7E), g.Episodes),
            Algorithm.Dqn => new DqnLearner(arena.ObservationSize, arena.DiscreteActions, n, options.Dqn, options.Seed),
            Algorithm.Ppo => new PpoLearner(arena.ObservationSize, arena.DiscreteActions, arena.ContinuousActions, n, options.Ppo, options.Seed),
            _ => new ActorCritic(arena.ObservationSize, arena.DiscreteActions, n, options.ActorCritic, options.Seed),
        };
        return (arena, learner);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AgentTrainingResult Run(AgentTrainingOptions options, TextWriter? progress = null)
    {
        int n = options.Agents;
        var (arena, learner) = Build(options);
        PolicyGate? gate = (learner as DqnLearner)?.Gate;
        int promotions = 0, armedFrame = 0, lastPromotionFrame = 0;
        var episodes = new EpisodeStats(options.SuccessWindow);
        PolicyGuard? guard = options.Guard is null ? null : new PolicyGuard(learner.Models, learner.Trainers, options.Guard);
        episodes.Guard = guard;
        var budget = new TrainingBudget(options.TrainingBudgetMicroseconds, options.MinimumUpdatesPerFrame);
        var line = progress is null ? null : new ProgressLine(progress);

        long warmupStart = Stopwatch.GetTimestamp();
        learner.Warmup(); // a game does this behind its loading screen
        double warmupUs = (Stopwatch.GetTimestamp() - warmupStart) * 1e6 / Stopwatch.Frequency;

        var observations = new float[n * arena.ObservationSize];
        var rewards = new float[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        var cost = new long[options.MaxFrames];
        var curve = new float[options.MaxFrames / options.CurveEvery];
        int? success = null;
        int gcBefore = 0;
        long allocatedBefore = 0;
        long intervalTicks = 0, intervalMax = 0;
        int frame = 0;
        int saves = 0, lastSaved = -1, saveGc = 0;
        long saveTicks = 0, saveMaxTicks = 0, saveAllocated = 0;

        void Save()
        {
            bool counted = frame > options.WarmupFrames; // after the warm-up baseline: keep the save out of the loop's counts
            int gc0 = GC.CollectionCount(0);
            long a0 = GC.GetAllocatedBytesForCurrentThread(), s0 = Stopwatch.GetTimestamp();
            PolicyFile.SavePolicy(learner.Policy, options.OutPath!, PolicyFile.Metadata(options, learner.Description, frame, episodes.Count, episodes.WindowMean, success));
            long t = Stopwatch.GetTimestamp() - s0;
            if (counted)
            {
                saveAllocated += GC.GetAllocatedBytesForCurrentThread() - a0;
                saveGc += GC.CollectionCount(0) - gc0;
            }
            saves++;
            lastSaved = frame;
            saveTicks += t;
            saveMaxTicks = Math.Max(saveMaxTicks, t);
        }

        arena.Observe(observations);
        while (frame < options.MaxFrames)
        {
            if (frame == options.WarmupFrames)
            {
                gcBefore = GC.CollectionCount(0);
                allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            }

            // --- the learning work of the frame, part 1: every agent's action (one batched Predict) ---
            long t0 = Stopwatch.GetTimestamp();
            learner.Act(observations);
            long t1 = Stopwatch.GetTimestamp();
            if (gate is not null && gate.Promotions != promotions) // the first frame (1-based) acting with a newly promoted network
            {
                if (promotions == 0) armedFrame = frame + 1;
                promotions = gate.Promotions;
                lastPromotionFrame = frame + 1;
            }

            // --- the game: one tick of every agent ---
            arena.Step(learner, rewards, terminated, truncated);
            arena.Observe(observations);

            // --- the learning work, part 2: record the tick, then learn within the frame's budget ---
            long t2 = Stopwatch.GetTimestamp();
            learner.Record(rewards, terminated, truncated, observations);
            budget.Run(learner);
            guard?.Update();
            long t3 = Stopwatch.GetTimestamp();

            arena.ResetEnded(terminated, truncated, episodes, observations);
            long ticks = (t1 - t0) + (t3 - t2);
            cost[frame] = ticks;
            intervalTicks += ticks;
            intervalMax = Math.Max(intervalMax, ticks);
            frame++;

            if (frame % options.CurveEvery == 0) curve[frame / options.CurveEvery - 1] = (float)episodes.WindowMean;
            if (line is not null && options.ProgressEvery > 0 && frame % options.ProgressEvery == 0)
            {
                double us = 1e6 / Stopwatch.Frequency;
                line.Write(frame, episodes.Count, episodes.WindowMean, intervalTicks * us / options.ProgressEvery, intervalMax * us,
                    learner.FirstStatistic, learner.SecondStatistic);
                intervalTicks = intervalMax = 0;
            }
            bool stop = false;
            if (success is null && episodes.WindowFull && episodes.WindowMean >= options.SuccessScore)
            {
                success = frame;
                episodes.StartTrackingLowest(options.SuccessScore);
                stop = options.StopAtSuccess;
            }
            if (options.OutPath is not null && options.SaveEvery > 0 && frame % options.SaveEvery == 0) Save();
            if (stop) break;
        }

        bool warm = frame > options.WarmupFrames;
        int gc = warm ? GC.CollectionCount(0) - gcBefore - saveGc : 0;
        long allocated = warm ? GC.GetAllocatedBytesForCurrentThread() - allocatedBefore - saveAllocated : 0;
        // Updates the last frames' budget left: run them, so that the policy a run ends with does not depend on timing
        // (during the run they would have run at the start of the next frame).
        while (learner.PendingUpdates > 0) learner.RunUpdate();
        if (options.OutPath is not null && lastSaved != frame) Save(); // the final save, after the loop's counters are read
        double saveUs = 1e6 / Stopwatch.Frequency;
        int measuredFrom = Math.Min(options.WarmupFrames, frame);
        return new AgentTrainingResult
        {
            Options = options,
            LearnerDescription = learner.Description,
            Frames = frame,
            FramesToSuccess = success,
            Episodes = episodes.Count,
            FinalMeanScore = episodes.WindowMean,
            LowestMeanAfterSuccess = episodes.LowestWindowMean,
            WindowsAfterSuccess = episodes.WindowsTracked,
            WindowsBelowSuccessAfterSuccess = episodes.WindowsBelowLevel,
            Updates = learner.Updates,
            GuardRestores = guard?.Restores ?? 0,
            Gate = gate is null ? null : new GateCounts(gate.Evaluations, gate.Promotions, gate.Rejections, gate.Armed, gate.DeployedScore, armedFrame, lastPromotionFrame),
            Curve = curve.AsSpan(0, frame / options.CurveEvery).ToArray(),
            Cost = FrameCost.FromTicks(cost.AsSpan(measuredFrom, frame - measuredFrom)),
            WarmupMicroseconds = warmupUs,
            GcCollectionsAfterWarmup = gc,
            AllocatedBytesAfterWarmup = allocated,
            Saves = saves,
            MaxSaveMicroseconds = saveMaxTicks * saveUs,
            MeanSaveMicroseconds = saves == 0 ? 0 : saveTicks * saveUs / saves,
            SaveAllocatedBytes = saveAllocated,
            Policy = learner.Policy,
        };
    }
}
