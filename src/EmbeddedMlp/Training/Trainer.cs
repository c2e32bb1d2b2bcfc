using System;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Layers;

namespace EmbeddedMlp.Training
{
    /// <summary>
    /// Trains an <see cref="Mlp"/> in place: one <see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float})"/>
    /// is forward + loss + backward + clipping + optimizer update on a batch of 1..<see cref="MaxBatch"/> rows, and
    /// allocates nothing (every buffer is sized at construction). The loss follows the last layer: softmax ⇒
    /// softmax cross-entropy, anything else ⇒ mean squared error.
    /// <para>A trainer is not thread-safe: use it from one thread at a time, and do not call the model's
    /// <see cref="Mlp.Predict"/> from other threads while a step runs (the step writes the weights).</para>
    /// </summary>
    public sealed class Trainer
    {
        private readonly Mlp _model;
        private readonly float[] _gradients;
        private readonly float[] _activations;   // per layer: [MaxBatch, units], offsets in _activationOffsets
        private readonly int[] _activationOffsets;
        private readonly float[] _deltaA, _deltaB; // ping-pong ∂L/∂z buffers, [MaxBatch, MaxWidth]
        private readonly Optimizer _optimizer;
        private float _learningRate;
        private float _clipNorm;
        private Xoshiro128 _random;

        /// <summary>Builds a trainer for <paramref name="model"/> with <paramref name="options"/> (defaults when null).</summary>
        public Trainer(Mlp model, TrainerOptions? options = null)
        {
            _model = model ?? throw new ArgumentNullException(nameof(model));
            options ??= new TrainerOptions();
            MaxBatch = options.MaxBatch;
            _clipNorm = options.ClipNorm;
            _learningRate = options.Optimizer.LearningRate;
            _gradients = new float[model.ParameterCount];
            _activationOffsets = new int[model.LayerCount];
            long total = 0;
            for (int l = 0; l < model.LayerCount; l++)
            {
                _activationOffsets[l] = (int)total;
                total += (long)MaxBatch * model.Layouts[l].Units;
            }
            if (total > int.MaxValue || (long)MaxBatch * model.MaxWidth > int.MaxValue)
                throw new ArgumentException($"options: MaxBatch {MaxBatch} makes workspaces larger than 2^31 floats for this model.", nameof(options));
            _activations = new float[total];
            _deltaA = new float[MaxBatch * model.MaxWidth];
            _deltaB = new float[MaxBatch * model.MaxWidth];
            _optimizer = Optimizer.Create(options.Optimizer, model.ParameterCount);
            _random = new Xoshiro128(options.Seed);
        }

        /// <summary>
        /// The trainer's PRNG, seeded from <see cref="TrainerOptions.Seed"/>, for the caller's mini-batch sampling and
        /// shuffling (<c>trainer.Random.NextInt(n)</c> advances it in place). Checkpoints save and restore its state,
        /// so a resumed run draws the same batches as an uninterrupted one.
        /// </summary>
        public ref Xoshiro128 Random => ref _random;

        /// <summary>Puts back the counters of a checkpoint (the optimizer's moments are restored through <see cref="OptimizerState"/>).</summary>
        internal void RestoreState(long stepCount, float learningRate, Xoshiro128 random)
        {
            _optimizer.StepCount = stepCount; // SGD's "first step" rule looks at StepCount, so a resumed buffer is kept
            LearningRate = learningRate;
            _random = random;
        }

        /// <summary>The model being trained.</summary>
        public Mlp Model => _model;
        /// <summary>The largest batch a step accepts.</summary>
        public int MaxBatch { get; }
        /// <summary>The optimizer's settings.</summary>
        public OptimizerSettings OptimizerSettings => _optimizer.Settings;
        /// <summary>Number of updates applied (skipped steps do not count).</summary>
        public long StepCount => _optimizer.StepCount;

        /// <summary>Learning rate of the next steps; set it between steps to follow a schedule.</summary>
        public float LearningRate
        {
            get => _learningRate;
            set
            {
                if (!(value >= 0f) || float.IsInfinity(value))
                    throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"LearningRate: expected a finite value ≥ 0, found {value}.");
                _learningRate = value;
            }
        }

        /// <summary>Global L2-norm clipping threshold; 0 = off.</summary>
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

        /// <summary>Gradient arena of the last <c>ComputeGradients</c>/<c>Step</c>, same layout as <see cref="Mlp.Parameters"/>.</summary>
        public ReadOnlySpan<float> Gradients => _gradients;

        internal Optimizer OptimizerState => _optimizer;

        /// <summary>
        /// One training step with class-index targets (softmax last layer only): <paramref name="inputs"/>
        /// [rows, InputCount], <paramref name="classTargets"/> [rows] in 0..OutputCount−1, optional
        /// <paramref name="sampleWeights"/> [rows] (empty = all 1). Returns the loss before the update and whether the
        /// update was applied (a non-finite loss or gradient leaves the weights untouched).
        /// </summary>
        public StepResult Step(ReadOnlySpan<float> inputs, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> sampleWeights = default)
        {
            float loss = ComputeGradients(inputs, classTargets, sampleWeights);
            return Update(loss);
        }

        /// <summary>
        /// One training step with dense targets [rows, OutputCount]: probability rows for a softmax last layer
        /// (cross-entropy), regression targets otherwise (mean squared error). Optional <paramref name="sampleWeights"/>
        /// [rows]. Returns the loss before the update and whether the update was applied.
        /// </summary>
        public StepResult Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> sampleWeights = default)
        {
            float loss = ComputeGradients(inputs, targets, sampleWeights);
            return Update(loss);
        }

        /// <summary>Forward + loss + backward with class-index targets, without updating: fills <see cref="Gradients"/>, returns the loss.</summary>
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> sampleWeights = default)
        {
            int rows = CheckBatch(inputs, sampleWeights);
            if (_model.OutputActivation != Activation.Softmax)
                throw new ArgumentException($"classTargets: class-index targets need a softmax last layer, found {_model.OutputActivation.ToName()}; pass target rows instead.", nameof(classTargets));
            if (classTargets.Length != rows)
                throw new ArgumentException($"classTargets: expected {rows} class indices (one per input row), found {classTargets.Length}.", nameof(classTargets));
            int classes = _model.OutputCount;
            Span<int> labels = SpanAccess.View(classTargets);
            for (int i = 0; i < rows; i++)
                if ((uint)labels[i] >= (uint)classes)
                    throw new ArgumentException($"classTargets[{i}]: expected a class index in 0..{classes - 1}, found {labels[i]}.", nameof(classTargets));

            Span<float> logits = Forward(inputs, rows);
            Span<float> dz = _deltaA.AsSpan(0, rows * classes);
            double loss = Losses.SoftmaxCrossEntropy(logits, rows, classes, classTargets, sampleWeights, dz);
            Backward(inputs, rows);
            return (float)loss;
        }

        /// <summary>Forward + loss + backward with dense targets, without updating: fills <see cref="Gradients"/>, returns the loss.</summary>
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> sampleWeights = default)
        {
            int rows = CheckBatch(inputs, sampleWeights);
            int outputs = _model.OutputCount;
            if (targets.Length != (long)rows * outputs)
                throw new ArgumentException($"targets: expected {rows}×{outputs} = {rows * outputs} floats (one row per input row), found {targets.Length}.", nameof(targets));

            Span<float> last = Forward(inputs, rows);
            Span<float> dz = _deltaA.AsSpan(0, rows * outputs);
            double loss;
            Activation act = _model.OutputActivation;
            if (act == Activation.Softmax)
            {
                loss = Losses.SoftmaxCrossEntropy(last, rows, outputs, targets, sampleWeights, dz);
            }
            else
            {
                loss = Losses.MeanSquaredError(last, targets, sampleWeights, rows, outputs, dz);
                ActivationFunction.Backward(act, last, dz);
            }
            Backward(inputs, rows);
            return (float)loss;
        }

        private int CheckBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> sampleWeights)
        {
            int rows = Mlp.RowsOf(inputs, _model.InputCount, nameof(inputs));
            if (rows > MaxBatch)
                throw new ArgumentException($"inputs: expected at most MaxBatch = {MaxBatch} rows, found {rows}.", nameof(inputs));
            if (!sampleWeights.IsEmpty && sampleWeights.Length != rows)
                throw new ArgumentException($"sampleWeights: expected {rows} weights (one per input row) or none, found {sampleWeights.Length}.", nameof(sampleWeights));
            return rows;
        }

        private Span<float> Activations(int layer, int rows) =>
            _activations.AsSpan(_activationOffsets[layer], rows * _model.Layouts[layer].Units);

        /// <summary>Runs every layer, keeping each output; the last layer keeps its logits when it is softmax (the loss takes them).</summary>
        private Span<float> Forward(ReadOnlySpan<float> inputs, int rows)
        {
            LayerLayout[] layers = _model.Layouts;
            float[] parameters = _model.ParameterArray;
            ReadOnlySpan<float> x = inputs;
            int last = layers.Length - 1;
            for (int l = 0; l < last; l++)
            {
                Span<float> y = Activations(l, rows);
                DenseLayer.Forward(layers[l], parameters, x, y, rows);
                x = y;
            }
            Span<float> output = Activations(last, rows);
            LayerLayout top = layers[last];
            if (top.Activation == Activation.Softmax)
                DenseLayer.Forward(new LayerLayout(top.FanIn, top.Units, Activation.Identity, top.WeightOffset, top.BiasOffset), parameters, x, output, rows);
            else
                DenseLayer.Forward(top, parameters, x, output, rows);
            return output;
        }

        /// <summary>From ∂L/∂z of the last layer (in _deltaA) down to the first layer: every layer's ∇W and ∇b.</summary>
        private void Backward(ReadOnlySpan<float> inputs, int rows)
        {
            LayerLayout[] layers = _model.Layouts;
            float[] parameters = _model.ParameterArray;
            float[] dz = _deltaA, dx = _deltaB;
            for (int l = layers.Length - 1; l >= 0; l--)
            {
                LayerLayout layer = layers[l];
                ReadOnlySpan<float> x = l == 0 ? inputs : Activations(l - 1, rows);
                ReadOnlySpan<float> dzl = dz.AsSpan(0, rows * layer.Units);
                Span<float> dxl = l == 0 ? Span<float>.Empty : dx.AsSpan(0, rows * layer.FanIn);
                DenseLayer.Backward(layer, parameters, _gradients, x, dzl, dxl, rows, l == 0 ? Activation.Identity : layers[l - 1].Activation);
                if (l == 0) break;
                float[] t = dz; dz = dx; dx = t;
            }
        }

        private StepResult Update(float loss)
        {
            if (!IsFinite(loss))
                return new StepResult(loss, float.NaN, StepStatus.SkippedNonFiniteLoss);
            double norm = Math.Sqrt(Reductions.SumOfSquares(_gradients));
            if (double.IsNaN(norm) || double.IsInfinity(norm))
                return new StepResult(loss, (float)norm, StepStatus.SkippedNonFiniteGradient);
            if (_clipNorm > 0f)
            {
                // torch.nn.utils.clip_grad_norm_: coef = max_norm / (norm + 1e-6), applied when below 1.
                double coef = _clipNorm / (norm + 1e-6);
                if (coef < 1.0) Reductions.Scale(_gradients, (float)coef);
            }
            _optimizer.Update(_model.Parameters, _gradients, _learningRate);
            return new StepResult(loss, (float)norm, StepStatus.Applied);
        }

        private static bool IsFinite(float x) => !float.IsNaN(x) && !float.IsInfinity(x);
    }
}
