using System;
using System.Collections.Generic;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Agents
{
    /// <summary>What <see cref="PolicyGuard.Update"/> did.</summary>
    public enum PolicyGuardAction
    {
        /// <summary>Nothing: the window is not full, or the score is between the threshold and the best.</summary>
        None = 0,
        /// <summary>The score matched or beat the best so far: the parameters were saved as the best.</summary>
        SavedBest = 1,
        /// <summary>The score fell below the threshold: the best parameters were put back.</summary>
        Restored = 2,
    }

    /// <summary>Settings of a <see cref="PolicyGuard"/>.</summary>
    public sealed class PolicyGuardSettings
    {
        private int _window = 100;
        private float _restoreBelow = 0.95f, _learningRateFactor = 1f;

        /// <summary>Episodes in the running score (their mean). Default 100.</summary>
        public int Window
        {
            get => _window;
            set
            {
                if (value < 1) throw new ArgumentOutOfRangeException(nameof(Window), value, $"Window: expected at least 1, found {value}.");
                _window = value;
            }
        }

        /// <summary>
        /// f in (0, 1]: the best parameters are restored when the score falls below best − (1 − f)·|best| (f·best for a
        /// positive best; for returns that are negative, such as a pendulum's, a score that much worse). Default 0.95.
        /// </summary>
        public float RestoreBelow
        {
            get => _restoreBelow;
            set
            {
                if (!(value > 0f && value <= 1f)) throw new ArgumentOutOfRangeException(nameof(RestoreBelow), value, $"RestoreBelow: expected a value in (0, 1], found {value}.");
                _restoreBelow = value;
            }
        }

        /// <summary>Each trainer's learning rate is multiplied by this at every restore (1 = unchanged, the default).</summary>
        public float LearningRateFactor
        {
            get => _learningRateFactor;
            set
            {
                if (!(value > 0f && value <= 1f)) throw new ArgumentOutOfRangeException(nameof(LearningRateFactor), value, $"LearningRateFactor: expected a value in (0, 1], found {value}.");
                _learningRateFactor = value;
            }
        }

        /// <summary>Whether a restore also resets the trainers' optimizer state (Adam's moments), as re-creating a PyTorch optimizer does. Default true.</summary>
        public bool ResetOptimizer { get; set; } = true;

        /// <summary>
        /// The guard restores only once the best score has reached this (the skill worth keeping, e.g. the task's success
        /// level); before, it only saves. NaN (the default) arms it from the first full window — which, early in learning,
        /// keeps putting back the first policies and stalls learning.
        /// </summary>
        public float ArmAt { get; set; } = float.NaN;
    }

    /// <summary>
    /// Keeps a learning agent's skill however long it keeps learning (opt-in): it tracks a running score — the mean of the
    /// last <see cref="PolicyGuardSettings.Window"/> episode scores the game reports — keeps a copy of the parameters
    /// of the best score seen, and puts them back when the score falls below a chosen fraction of the best, optionally
    /// lowering the learning rate. The models are guarded together (a policy and its critic; a Q-network and its target).
    /// After a restore the window starts empty: the next judgement is on episodes played by the restored parameters.
    /// All memory is allocated at construction.
    /// </summary>
    public sealed class PolicyGuard
    {
        private readonly Mlp[] _models;
        private readonly Trainer[] _trainers;
        private readonly float[][] _best;
        private readonly float[] _scores;
        private readonly PolicyGuardSettings _settings;
        private int _next, _filled, _sinceSave;
        private double _sum;

        /// <summary>Creates the guard and the storage for the best parameters of <paramref name="models"/>; everything is allocated here.</summary>
        /// <param name="models">The models whose parameters are saved and restored together.</param>
        /// <param name="trainers">Their trainers (gradients are zeroed at a restore, learning rates and optimizer state adjusted per the settings); may be empty.</param>
        /// <param name="settings">Defaults when null.</param>
        public PolicyGuard(IReadOnlyList<Mlp> models, IReadOnlyList<Trainer>? trainers = null, PolicyGuardSettings? settings = null)
        {
            if (models is null) throw new ArgumentNullException(nameof(models));
            if (models.Count == 0) throw new ArgumentException("models: expected at least one model to guard, found none.", nameof(models));
            _settings = settings ?? new PolicyGuardSettings();
            _models = new Mlp[models.Count];
            _best = new float[models.Count][];
            for (int i = 0; i < models.Count; i++)
            {
                _models[i] = models[i] ?? throw new ArgumentException($"models[{i}]: expected a model, found null.", nameof(models));
                _best[i] = new float[_models[i].ParameterCount];
            }
            _trainers = new Trainer[trainers?.Count ?? 0];
            for (int i = 0; i < _trainers.Length; i++)
                _trainers[i] = trainers![i] ?? throw new ArgumentException($"trainers[{i}]: expected a trainer, found null.", nameof(trainers));
            _scores = new float[_settings.Window];
            BestScore = float.NaN;
        }

        /// <summary>The best running score seen (NaN before the first full window).</summary>
        public float BestScore { get; private set; }
        /// <summary>The running score: mean of the scores in the window (NaN while it is empty).</summary>
        public float Score => _filled == 0 ? float.NaN : (float)(_sum / _filled);
        /// <summary>Whether the window is full.</summary>
        public bool WindowFull => _filled == _scores.Length;
        /// <summary>Restores so far.</summary>
        public int Restores { get; private set; }
        /// <summary>Whether best parameters have been saved.</summary>
        public bool HasBest => !float.IsNaN(BestScore);
        /// <summary>The restore threshold: best − (1 − f)·|best| (NaN before a best exists).</summary>
        public float Threshold => HasBest ? BestScore - (1f - _settings.RestoreBelow) * Math.Abs(BestScore) : float.NaN;
        /// <summary>Whether a fall would restore: a best exists and has reached <see cref="PolicyGuardSettings.ArmAt"/>.</summary>
        public bool Armed => HasBest && (float.IsNaN(_settings.ArmAt) || BestScore >= _settings.ArmAt);

        /// <summary>Reports the score (length, return) of one finished episode.</summary>
        public void ReportEpisode(float score)
        {
            if (_filled == _scores.Length) _sum -= _scores[_next];
            else _filled++;
            _scores[_next] = score;
            _sum += score;
            _next = (_next + 1) % _scores.Length;
            _sinceSave++;
        }

        /// <summary>
        /// Judges the running score, once the window is full: above the best — or equal to it a whole window after the
        /// last save, which keeps the copy recent at a plateau — the parameters are saved as the best; below the threshold
        /// (once armed) the best are restored. Call it once a frame (or after each update); it costs a copy of the
        /// parameters only when it saves or restores.
        /// </summary>
        public PolicyGuardAction Update()
        {
            if (!WindowFull) return PolicyGuardAction.None;
            float score = Score;
            if (!HasBest || score > BestScore || (score == BestScore && _sinceSave >= _scores.Length))
            {
                for (int i = 0; i < _models.Length; i++) _models[i].Parameters.CopyTo(_best[i]);
                BestScore = HasBest ? Math.Max(BestScore, score) : score;
                _sinceSave = 0;
                return PolicyGuardAction.SavedBest;
            }
            if (!Armed || score >= Threshold) return PolicyGuardAction.None;
            for (int i = 0; i < _models.Length; i++) _best[i].AsSpan().CopyTo(_models[i].Parameters);
            foreach (Trainer t in _trainers)
            {
                t.ZeroGradients();
                if (_settings.ResetOptimizer) t.ResetOptimizer();
                t.LearningRate *= _settings.LearningRateFactor;
            }
            Restores++;
            _filled = 0;
            _next = 0;
            _sum = 0;
            _sinceSave = 0;
            return PolicyGuardAction.Restored;
        }
    }
}
