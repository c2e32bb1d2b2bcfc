using System;
using System.Collections.Generic;
using System.Globalization;
using EmbeddedMlp.Serialization;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>Saving the trained policy: one call into the runtime's model-file API (format v1, atomic).</summary>
public static class PolicyFile
{
    /// <summary>The <c>name</c> written in the metadata of the policies this sample saves.</summary>
    public const string PolicyName = "cartpole-policy";

    /// <summary>The <c>name</c> of a pendulum policy.</summary>
    public const string PendulumPolicyName = "pendulum-policy";

    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="path"/> in model-file format v1 (f32), atomically: a reader
    /// of <paramref name="path"/> sees the previous file or the new one, never a torn one.
    /// </summary>
    public static void SavePolicy(Mlp model, string path) => SavePolicy(model, path, null);

    /// <summary>As <see cref="SavePolicy(Mlp, string)"/>, with free-text metadata (see <see cref="Metadata"/>).</summary>
    public static void SavePolicy(Mlp model, string path, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        ModelFile.Save(model, path, new ModelSaveOptions { Metadata = metadata });
    }

    /// <summary>
    /// What a saved policy says about itself: its name, how it was trained (seed, frames, activation) and its training
    /// score (mean episode length of the last finished episodes, sampled actions), formatted invariantly so that the
    /// same run writes the same bytes.
    /// </summary>
    public static Dictionary<string, string> Metadata(AgentTrainingOptions options, string learner, int framesTrained, long episodes, double meanScore, int? successFrame)
    {
        ArgumentNullException.ThrowIfNull(options);
        CultureInfo c = CultureInfo.InvariantCulture;
        var m = new Dictionary<string, string>
        {
            ["name"] = options.World == World.Pendulum ? PendulumPolicyName : PolicyName,
            ["task"] = options.World == World.Pendulum
                ? $"Pendulum-v1 swing-up: 3 observations (cos theta, sin theta, dtheta) -> [mean, ln std] of the torque; episodes of {PendulumArena.EpisodeLength} steps"
                : options.Algorithm == Algorithm.Dqn
                    ? $"CartPole at 60 Hz: 4 observations (x, dx, theta, dtheta, scaled) -> Q-values of 2 actions (push left, push right; act on the larger); episodes cut at {CartPoleArena.MaxEpisodeLength} ticks"
                    : $"CartPole at 60 Hz: 4 observations (x, dx, theta, dtheta, scaled) -> softmax over 2 actions (push left, push right); episodes cut at {CartPoleArena.MaxEpisodeLength} ticks",
            ["trained_by"] = $"EmbeddedMlp samples/AgentTraining: {learner}, {options.Agents} agents",
            ["seed"] = options.Seed.ToString(c),
            ["frames_trained"] = framesTrained.ToString(c),
            ["episodes"] = episodes.ToString(c),
            ["score"] = meanScore.ToString("F1", c),
            ["score_metric"] = options.World == World.Pendulum
                ? $"mean episode return of the last {options.SuccessWindow} finished episodes while training (sampled actions)"
                : $"mean episode length of the last {options.SuccessWindow} finished episodes while training ({(options.Algorithm == Algorithm.Dqn ? "epsilon-greedy" : "sampled")} actions; max {CartPoleArena.MaxEpisodeLength})",
        };
        if (successFrame.HasValue) m["success_frame"] = successFrame.Value.ToString(c);
        return m;
    }
}
