using System;

namespace EmbeddedMlp.Training
{
    /// <summary>Settings fixed when a <see cref="Trainer"/> is built.</summary>
    public sealed class TrainerOptions
    {
        private int _maxBatch = 32;
        private float _clipNorm;

        /// <summary>The largest batch a step accepts; workspaces are sized for it up front. Default 32.</summary>
        public int MaxBatch
        {
            get => _maxBatch;
            set
            {
                if (value < 1)
                    throw new ArgumentOutOfRangeException(nameof(MaxBatch), value, $"MaxBatch: expected at least 1, found {value}.");
                _maxBatch = value;
            }
        }

        /// <summary>Seed of the trainer's PRNG (<see cref="Trainer.Random"/>), for the caller's batch sampling. Default 0.</summary>
        public ulong Seed { get; set; }

        /// <summary>The optimizer. Default: Adam with PyTorch's defaults (lr 1e-3).</summary>
        public OptimizerSettings Optimizer { get; set; } = OptimizerSettings.Adam();

        /// <summary>Global L2-norm gradient clipping threshold (<c>clip_grad_norm_</c>); 0 turns clipping off (default).</summary>
        public float ClipNorm
        {
            get => _clipNorm;
            set
            {
                if (!(value >= 0f) || float.IsInfinity(value))
                    throw new ArgumentOutOfRangeException(nameof(ClipNorm), value, $"ClipNorm: expected a finite value ≥ 0 (0 = off), found {value}.");
                _clipNorm = value;
            }
        }
    }
}
