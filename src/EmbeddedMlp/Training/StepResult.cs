namespace EmbeddedMlp.Training
{
    /// <summary>What happened to a training step.</summary>
    public enum StepStatus
    {
        /// <summary>The update was applied.</summary>
        Applied = 0,
        /// <summary>The loss was NaN or infinite: nothing was changed.</summary>
        SkippedNonFiniteLoss = 1,
        /// <summary>A gradient was NaN or infinite: nothing was changed.</summary>
        SkippedNonFiniteGradient = 2,
        /// <summary><see cref="Trainer.ApplyGradients"/> found no gradients (no backward pass since the last zeroing): nothing was changed.</summary>
        SkippedNoGradients = 3,
    }

    /// <summary>Outcome of <see cref="Trainer.Step(System.ReadOnlySpan{float}, System.ReadOnlySpan{int}, System.ReadOnlySpan{float})"/> and <see cref="Trainer.ApplyGradients"/>.</summary>
    public readonly struct StepResult
    {
        internal StepResult(float loss, float gradientNorm, StepStatus status)
        {
            Loss = loss;
            GradientNorm = gradientNorm;
            Status = status;
        }

        /// <summary>The batch loss before the update (what PyTorch's <c>loss.item()</c> reports); NaN from <see cref="Trainer.ApplyGradients"/>, which does not know the loss.</summary>
        public float Loss { get; }
        /// <summary>Global L2 norm of the gradient before clipping (NaN if not computed).</summary>
        public float GradientNorm { get; }
        /// <summary>Whether the update was applied or why it was skipped.</summary>
        public StepStatus Status { get; }
        /// <summary>True when the weights were updated.</summary>
        public bool Applied => Status == StepStatus.Applied;

        /// <inheritdoc />
        public override string ToString() => $"loss={Loss}, |g|={GradientNorm}, {Status}";
    }
}
