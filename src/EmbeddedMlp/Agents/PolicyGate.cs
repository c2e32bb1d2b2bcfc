using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Agents
{
    /// <summary>
    /// Plays a policy on a private, off-screen copy of the game (a headless simulation with its own seeded random
    /// numbers, or a set of recorded start states) for a <see cref="PolicyGate"/>, one step at a time so that the gate can
    /// spread an evaluation over frames. The library knows nothing of the game: this is the game's side.
    /// </summary>
    public interface IPolicyEvaluator
    {
        /// <summary>
        /// Starts a new evaluation: new episodes from new start states. <paramref name="bar"/> is the score the policy
        /// must reach to be promoted (−∞ while the gate promotes anything); an evaluator may finish as soon as the bar is
        /// out of reach, reporting a <see cref="Score"/> below it.
        /// </summary>
        void Begin(Mlp policy, float bar);

        /// <summary>Advances the evaluation by one step (e.g. one tick of all its episodes: one batched Predict); returns true when it is finished.</summary>
        bool Step(Mlp policy);

        /// <summary>The finished evaluation's score, higher is better (e.g. the mean episode length or return).</summary>
        float Score { get; }
    }

    /// <summary>What the last <see cref="PolicyGate.RunUpdate"/> did.</summary>
    public enum PolicyGateAction
    {
        /// <summary>An evaluation step, the evaluation not yet finished (or nothing was queued).</summary>
        None = 0,
        /// <summary>An evaluation finished before the gate was armed: the learner's network still acts.</summary>
        Evaluated = 1,
        /// <summary>An evaluation finished at or above the bar: the candidate is now the deployed network.</summary>
        Promoted = 2,
        /// <summary>An evaluation finished below the bar: the deployed network stays.</summary>
        Rejected = 3,
    }

    /// <summary>Settings of a <see cref="PolicyGate"/>.</summary>
    public sealed class PolicyGateSettings
    {
        private int _stepsPerFrame = 4;

        /// <summary>Evaluation steps <see cref="PolicyGate.QueueFrame"/> queues each frame (the evaluation's share of a frame). Default 4.</summary>
        public int StepsPerFrame
        {
            get => _stepsPerFrame;
            set
            {
                if (value < 1) throw new ArgumentOutOfRangeException(nameof(StepsPerFrame), value, $"StepsPerFrame: expected at least 1, found {value}.");
                _stepsPerFrame = value;
            }
        }

        /// <summary>
        /// The evaluation score from which the gate guards (the skill worth keeping). Until an evaluation reaches it, the
        /// learner's own network acts (learning is not slowed down); the first candidate that reaches it is deployed, and
        /// from then on a candidate replaces the deployed network only if its score is at least the deployed network's.
        /// NaN (the default) arms the gate at the first finished evaluation.
        /// </summary>
        public float ArmAt { get; set; } = float.NaN;
    }

    /// <summary>
    /// Evaluation gating for an off-policy learner (opt-in; AlphaGo Zero gates a new network the same way before it
    /// replaces the best one): the agents act with a <see cref="Deployed"/> copy of the network, not with the network
    /// being trained. Now and then a snapshot of the trained network — the <see cref="Candidate"/> — is played on a
    /// private simulation by an <see cref="IPolicyEvaluator"/>; it replaces the deployed network only if its score is at
    /// least the deployed network's own evaluation score (<see cref="DeployedScore"/>). A learner that gets worse for a
    /// while is therefore never seen in the game; the learner itself is never touched (its training, optimizer and
    /// target network go on as if there were no gate). Before the gate is armed (<see cref="PolicyGateSettings.ArmAt"/>)
    /// the learner's network acts directly.
    /// <para>
    /// The evaluation is spread over frames: <see cref="QueueFrame"/> queues <see cref="PolicyGateSettings.StepsPerFrame"/>
    /// steps a frame, and <see cref="RunUpdate"/> runs one (directly, or through a <see cref="TrainingBudget"/>: the gate
    /// is an <see cref="IBudgetedUpdates"/>). For a run that does not depend on the frame budget, run the steps a budget
    /// left before the agents act next (as <see cref="Dqn"/> does with its updates). All memory is allocated by the
    /// constructor; what the evaluator allocates is up to it.
    /// </para>
    /// </summary>
    public sealed class PolicyGate : IBudgetedUpdates
    {
        private readonly IPolicyEvaluator _evaluator;
        private readonly PolicyGateSettings _settings;
        private bool _evaluating;

        /// <summary>Creates the gate: the deployed copy starts as a copy of <paramref name="learner"/>; everything is allocated here.</summary>
        /// <param name="learner">The network being trained. The gate only reads it (a snapshot at the start of each evaluation).</param>
        /// <param name="evaluator">Plays a network on the game's private simulation.</param>
        /// <param name="settings">Defaults when null.</param>
        public PolicyGate(Mlp learner, IPolicyEvaluator evaluator, PolicyGateSettings? settings = null)
        {
            Learner = learner ?? throw new ArgumentNullException(nameof(learner));
            _evaluator = evaluator ?? throw new ArgumentNullException(nameof(evaluator));
            _settings = settings ?? new PolicyGateSettings();
            Candidate = learner.Clone();
            Deployed = learner.Clone();
            DeployedScore = float.NaN;
            LastScore = float.NaN;
        }

        /// <summary>The network being trained.</summary>
        public Mlp Learner { get; }
        /// <summary>The snapshot of the learner under evaluation.</summary>
        public Mlp Candidate { get; }
        /// <summary>The network the agents act with once the gate is armed: the last promoted candidate.</summary>
        public Mlp Deployed { get; }
        /// <summary>What the agents act with: <see cref="Deployed"/> once armed, <see cref="Learner"/> before.</summary>
        public Mlp Acting => Armed ? Deployed : Learner;
        /// <summary>Whether candidates are gated (an evaluation has reached <see cref="PolicyGateSettings.ArmAt"/>).</summary>
        public bool Armed { get; private set; }
        /// <summary>The evaluation score of the deployed network: the bar a candidate must reach (NaN before the gate is armed).</summary>
        public float DeployedScore { get; private set; }
        /// <summary>The score of the last finished evaluation (NaN before the first).</summary>
        public float LastScore { get; private set; }
        /// <summary>Evaluations finished.</summary>
        public int Evaluations { get; private set; }
        /// <summary>Candidates deployed (the first, which arms the gate, included).</summary>
        public int Promotions { get; private set; }
        /// <summary>Candidates rejected once armed.</summary>
        public int Rejections { get; private set; }
        /// <summary>Evaluation steps queued and not yet run.</summary>
        public int PendingUpdates { get; private set; }
        /// <summary>What the last <see cref="RunUpdate"/> did.</summary>
        public PolicyGateAction LastAction { get; private set; }

        /// <summary>The score a candidate must reach: the deployed network's once armed; −∞ before (any score is worth deploying).</summary>
        public float Bar => Armed ? DeployedScore : float.NegativeInfinity;

        /// <summary>Queues this frame's <see cref="PolicyGateSettings.StepsPerFrame"/> evaluation steps.</summary>
        public void QueueFrame() => PendingUpdates += _settings.StepsPerFrame;

        /// <summary>
        /// One queued evaluation step, if any: at the start of an evaluation the learner's parameters are copied into
        /// <see cref="Candidate"/>; when the evaluator finishes, the candidate is judged — promoted (copied into
        /// <see cref="Deployed"/>) if its score is at least <see cref="Bar"/>, else rejected. Before the gate is armed, a
        /// score at or above <see cref="PolicyGateSettings.ArmAt"/> arms it and deploys the candidate.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void RunUpdate()
        {
            LastAction = PolicyGateAction.None;
            if (PendingUpdates == 0) return;
            PendingUpdates--;
            if (!_evaluating)
            {
                Candidate.CopyParametersFrom(Learner);
                _evaluator.Begin(Candidate, Bar);
                _evaluating = true;
            }
            if (!_evaluator.Step(Candidate)) return;
            _evaluating = false;
            float score = _evaluator.Score;
            LastScore = score;
            Evaluations++;
            if (!Armed)
            {
                if (!(float.IsNaN(_settings.ArmAt) || score >= _settings.ArmAt))
                {
                    LastAction = PolicyGateAction.Evaluated;
                    return;
                }
                Armed = true;
            }
            else if (!(score >= DeployedScore))
            {
                Rejections++;
                LastAction = PolicyGateAction.Rejected;
                return;
            }
            Deployed.CopyParametersFrom(Candidate);
            DeployedScore = score;
            Promotions++;
            LastAction = PolicyGateAction.Promoted;
        }

        /// <summary>Runs every queued step now (the steps a frame budget left, before the agents act again).</summary>
        public void RunPending()
        {
            while (PendingUpdates > 0) RunUpdate();
        }
    }
}
