using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>The text the sample prints after a run: learning curve, success, stability, published figures, frame cost.</summary>
public static class Report
{
    /// <summary>The algorithm, before the learner exists.</summary>
    public static string LearnerName(AgentTrainingOptions o) => o.Algorithm switch
    {
        Algorithm.Dqn => "double DQN (the runtime's Dqn)",
        Algorithm.Ppo => $"PPO with a {(o.World == World.Pendulum ? "Gaussian" : "categorical")} policy (the runtime's Ppo)",
        _ => "advantage actor-critic (the sample's ActorCritic)",
    };

    /// <summary>Published environment steps to the same goal, to read ours against (see the README for the sources).</summary>
    public static string Published(AgentTrainingOptions o) => (o.World, o.Algorithm) switch
    {
        (World.Pendulum, _) => "published: SB3 zoo PPO (tuned) −172 ± 104 after 100k steps; SAC −157 after 20k",
        (_, Algorithm.Dqn) => "published (CartPole-v1, ≈ 500): CleanRL DQN ≈ 300k steps; SB3 zoo DQN (tuned) 50k",
        (_, Algorithm.Ppo) => "published (CartPole-v1, ≈ 500): CleanRL PPO ≈ 200–300k steps; SB3 zoo PPO (tuned) 100k",
        _ => "published (CartPole-v1, ≈ 500): CleanRL PPO ≈ 200–300k steps, DQN ≈ 300k; SB3 zoo PPO 100k, DQN 50k",
    };

    public static string Summary(AgentTrainingResult r)
    {
        AgentTrainingOptions o = r.Options;
        bool pendulum = o.World == World.Pendulum;
        string score = pendulum ? "mean return" : "mean length";
        CultureInfo c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var w = new StringWriter(sb, c);
        w.WriteLine();
        w.WriteLine($"Learner: {r.LearnerDescription}");
        w.WriteLine($"Learning curve: {score} of the last {o.SuccessWindow} episodes");
        w.Write(pendulum ? TextChart.Render(r.Curve, -1600, 0, o.CurveEvery) : TextChart.Render(r.Curve, 0, CartPoleArena.MaxEpisodeLength, o.CurveEvery));
        w.WriteLine();
        if (r.Succeeded)
        {
            w.WriteLine(string.Create(c, $"SUCCESS at frame {r.FramesToSuccess} ({r.StepsToSuccess:N0} environment steps, {r.FramesToSuccess / 60.0:F0} s of game time); " +
                                         $"run ended at frame {r.Frames}: {r.Episodes} episodes, {r.Updates} updates, {score} {r.FinalMeanScore:F1}"));
            if (r.Frames > r.FramesToSuccess)
                w.WriteLine(string.Create(c, $"stability: lowest {score} (last {o.SuccessWindow} episodes) after first success: {r.LowestMeanAfterSuccess:F1}; " +
                                             $"{r.WindowsBelowSuccessAfterSuccess} of {r.WindowsAfterSuccess} windows below {o.SuccessScore}"));
        }
        else
        {
            w.WriteLine(string.Create(c, $"NOT SOLVED within {r.Frames} frames ({r.EnvironmentSteps:N0} environment steps): {score} {r.FinalMeanScore:F1} over the last {o.SuccessWindow} episodes ({r.Episodes} episodes)"));
        }
        w.WriteLine(Published(o));
        if (o.Guard is not null) w.WriteLine($"policy guard: {r.GuardRestores} restore(s)");
        if (r.Gate is { } g)
            w.WriteLine(string.Create(c, $"evaluation gate: {g.Evaluations} evaluations, {g.Promotions} promotion(s), {g.Rejections} rejection(s); {(g.Armed ? $"armed at frame {g.ArmedFrame}, last promotion at frame {g.LastPromotionFrame}, deployed network's evaluation score {g.DeployedScore.ToString("F1", c)}" : "never armed (the online network acted)")}"));
        w.WriteLine($"learning work per frame (act + record + updates): {r.Cost}; loading-screen Warmup {r.WarmupMicroseconds / 1000:F0} ms");
        w.WriteLine($"after warm-up ({o.WarmupFrames} frames): {r.GcCollectionsAfterWarmup} GC collections, {r.AllocatedBytesAfterWarmup} bytes allocated by the game loop");
        if (o.OutPath is not null)
        {
            w.WriteLine($"policy saved to {o.OutPath} ({new FileInfo(o.OutPath).Length} bytes, model file v1, f32, with metadata); " +
                        $"{r.Saves} save{(r.Saves == 1 ? "" : "s")}: mean {r.MeanSaveMicroseconds:F0} µs, max {r.MaxSaveMicroseconds:F0} µs each " +
                        $"(atomic: write, flush to disk, rename), {r.SaveAllocatedBytes} bytes allocated by saves after warm-up (not counted above)");
        }
        return sb.ToString();
    }
}
