using System;
using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.IO;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// The game loop of the sample, as a Unity <c>Update()</c> would run it: each 60 Hz frame, every agent observes,
/// the shared policy decides for all of them in one batched call and learns one step, the world ticks.
/// Everything is allocated before the first frame. With <see cref="AgentTrainingOptions.OutPath"/> the policy is saved
/// at the end, and every <see cref="AgentTrainingOptions.SaveEvery"/> frames if set: a save is a frame-boundary event,
/// timed and counted apart from the learning work (it allocates and waits for the disk).
/// </summary>
public static class AgentTrainingRun
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AgentTrainingResult Run(AgentTrainingOptions options, TextWriter? progress = null)
    {
        int n = options.Agents;
        var arena = new CartPoleArena(n, options.Seed * 0x9E3779B97F4A7C15UL + 17);
        var learner = new ActorCritic(n, options.Learner, options.Seed);
        long warmupStart = Stopwatch.GetTimestamp();
        learner.Warmup(); // a game does this behind its loading screen
        double warmupUs = (Stopwatch.GetTimestamp() - warmupStart) * 1e6 / Stopwatch.Frequency;
        var episodes = new EpisodeStats(options.SuccessWindow);
        var line = progress is null ? null : new ProgressLine(progress);

        var observations = new float[n * CartPole.ObservationSize];
        var actions = new int[n];
        var rewards = new float[n];
        var outcomes = new TickOutcome[n];
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
            PolicyFile.SavePolicy(learner.Policy, options.OutPath!, PolicyFile.Metadata(options, frame, episodes.Count, episodes.WindowMean, success));
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

            // --- the learning work of the frame: act (one batched Predict) + learn (one step per network) ---
            long t0 = Stopwatch.GetTimestamp();
            learner.Act(observations, actions);
            long t1 = Stopwatch.GetTimestamp();

            // --- the game: one tick of every cart-pole ---
            arena.Step(actions, rewards, outcomes);
            arena.Observe(observations);

            long t2 = Stopwatch.GetTimestamp();
            learner.Record(rewards, outcomes, observations);
            long t3 = Stopwatch.GetTimestamp();

            arena.ResetEnded(outcomes, episodes, observations);
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
                    learner.LastPolicyLoss, learner.LastValueLoss);
                intervalTicks = intervalMax = 0;
            }
            bool stop = false;
            if (success is null && episodes.WindowFull && episodes.WindowMean >= options.SuccessMeanLength)
            {
                success = frame;
                stop = options.StopAtSuccess;
            }
            if (options.OutPath is not null && options.SaveEvery > 0 && frame % options.SaveEvery == 0) Save();
            if (stop) break;
        }

        bool warm = frame > options.WarmupFrames;
        int gc = warm ? GC.CollectionCount(0) - gcBefore - saveGc : 0;
        long allocated = warm ? GC.GetAllocatedBytesForCurrentThread() - allocatedBefore - saveAllocated : 0;
        if (options.OutPath is not null && lastSaved != frame) Save(); // the final save, after the loop's counters are read
        double saveUs = 1e6 / Stopwatch.Frequency;
        int measuredFrom = Math.Min(options.WarmupFrames, frame);
        return new AgentTrainingResult
        {
            Seed = options.Seed,
            Agents = n,
            Frames = frame,
            FramesToSuccess = success,
            Episodes = episodes.Count,
            FinalMeanLength = episodes.WindowMean,
            TrainingSteps = learner.Steps,
            Curve = curve.AsSpan(0, frame / options.CurveEvery).ToArray(),
            CurveEvery = options.CurveEvery,
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
