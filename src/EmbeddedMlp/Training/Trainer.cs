using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Layers;

namespace EmbeddedMlp.Training
{
    /// <summary>
    /// Trains an <see cref="Mlp"/> in place, on batches of 1..<see cref="MaxBatch"/> rows, allocating nothing (every
    /// buffer is sized at construction). Two ways, one code path:
    /// <list type="bullet">
    /// <item>With any loss, as in PyTorch: <see cref="Forward"/> (keeps what the backward pass needs) → the caller's loss
    /// gives ∂L/∂outputs (<see cref="Losses"/>, <see cref="PolicyLosses"/> or its own) → <see cref="Backward"/> (adds
    /// ∂L/∂θ to the gradient arena, optionally writes ∂L/∂inputs) → <see cref="ApplyGradients"/> (non-finite guard,
    /// clipping, optimizer, zeroing).</item>
    /// <item>With a built-in loss, in one call: <see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float})"/>.
    /// The loss follows the last layer: softmax ⇒ softmax cross-entropy, anything else ⇒ mean squared error.</item>
    /// </list>
    /// <para>A trainer is not thread-safe: use it from one thread at a time, and do not call the model's
    /// <see cref="Mlp.Predict"/> from other threads while a step runs (the step writes the weights).</para>
    /// </summary>
    public sealed class Trainer
    {
        private readonly Mlp _model;
        private readonly AlignedBuffer _gradients;
        private bool _hasGradients;                // a backward pass ran since the last zeroing; if not, the next one writes instead of adding
        private bool _arenaClear;                  // the arena's memory is all zeros (false: it may hold values logically zeroed)
        private readonly AlignedBuffer _inputs;          // the public Forward's inputs, [MaxBatch, InputCount]
        private readonly AlignedBuffer _activations;     // per layer: [MaxBatch, units], offsets in _activationOffsets
        private readonly int[] _activationOffsets;
        private readonly AlignedBuffer _deltaA, _deltaB; // ping-pong ∂L/∂y → ∂L/∂z buffers, [MaxBatch, MaxWidth]
        private int _forwardRows;                  // rows of the public Forward whose state Backward may use; 0 = none
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
            _gradients = AlignedBuffer.Allocate(model.ParameterCount);
            _arenaClear = true; // no gradients yet
            _activationOffsets = new int[model.LayerCount];
            long total = 0;
            for (int l = 0; l < model.LayerCount; l++)
            {
                _activationOffsets[l] = (int)total;
                total += ((long)MaxBatch * model.Layouts[l].Units + 15) & ~15L; // each layer's block starts a cache line
            }
            if (total > int.MaxValue || (long)MaxBatch * Math.Max(model.MaxWidth, model.InputCount) > int.MaxValue)
                throw new ArgumentException($"options: MaxBatch {MaxBatch} makes workspaces larger than 2^31 floats for this model.", nameof(options));
            _activations = AlignedBuffer.Allocate((int)total);
            _inputs = AlignedBuffer.Allocate(MaxBatch * model.InputCount);
            _deltaA = AlignedBuffer.Allocate(MaxBatch * model.MaxWidth);
            _deltaB = AlignedBuffer.Allocate(MaxBatch * model.MaxWidth);
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

        /// <summary>
        /// The gradient arena, same layout as <see cref="Mlp.Parameters"/>: what <see cref="Backward"/> and
        /// <see cref="BackwardFromLogits"/> have accumulated since the last <see cref="ApplyGradients"/> or
        /// <see cref="ZeroGradients"/> (zero after those), or the gradient of the last <c>ComputeGradients</c>.
        /// </summary>
        public ReadOnlySpan<float> Gradients
        {
            [MethodImpl(KernelHints.Entry)]
            get
            {
                if (!_hasGradients && !_arenaClear) { _gradients.Span.Clear(); _arenaClear = true; }
                return _gradients.Span;
            }
        }

        internal Optimizer OptimizerState => _optimizer;

        /// <summary>
        /// One training step with class-index targets (softmax last layer only): <paramref name="inputs"/>
        /// [rows, InputCount], <paramref name="classTargets"/> [rows] in 0..OutputCount−1, optional
        /// <paramref name="sampleWeights"/> [rows] (empty = all 1). The same path as <see cref="Forward"/> →
        /// <see cref="Losses.SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>
        /// → <see cref="BackwardFromLogits"/> → <see cref="ApplyGradients"/>, with the same bits. Gradients accumulated
        /// by <see cref="Backward"/> before the step are discarded. Returns the loss before the update and whether the
        /// update was applied (a non-finite loss or gradient leaves the weights untouched).
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public StepResult Step(ReadOnlySpan<float> inputs, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> sampleWeights = default)
        {
            float loss = ComputeGradients(inputs, classTargets, sampleWeights);
            return Apply(loss);
        }

        /// <summary>
        /// One training step with dense targets [rows, OutputCount]: probability rows for a softmax last layer
        /// (cross-entropy, through <see cref="BackwardFromLogits"/>), regression targets otherwise (mean squared error,
        /// through <see cref="Backward"/>). Optional <paramref name="sampleWeights"/> [rows]. The same path and bits as
        /// Forward → the <see cref="Losses"/> function → backward → <see cref="ApplyGradients"/>; gradients accumulated
        /// before the step are discarded. Returns the loss before the update and whether the update was applied.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public StepResult Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> sampleWeights = default)
        {
            float loss = ComputeGradients(inputs, targets, sampleWeights);
            return Apply(loss);
        }

        /// <summary>
        /// Forward + loss + backward with class-index targets, without updating: <see cref="Gradients"/> becomes this
        /// batch's gradient (earlier accumulation is discarded). Returns the loss.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> sampleWeights = default)
        {
            int rows = CheckBatch(inputs, sampleWeights);
            if (_model.OutputActivation != Activation.Softmax)
                throw new ArgumentException($"classTargets: class-index targets need a softmax last layer, found {_model.OutputActivation.ToName()}; pass target rows instead.", nameof(classTargets));
            if (classTargets.Length != rows)
                throw new ArgumentException($"classTargets: expected {rows} class indices (one per input row), found {classTargets.Length}.", nameof(classTargets));
            Span<float> probabilities = ForwardCore(inputs, rows);
            Span<float> dz = _deltaA.Span.Slice(0, rows * _model.OutputCount);
            float loss = Losses.SoftmaxCrossEntropy(probabilities, classTargets, sampleWeights, dz);
            ZeroGradients();
            BackwardCore(inputs, rows, fromLogits: true, Span<float>.Empty);
            return loss;
        }

        /// <summary>
        /// Forward + loss + backward with dense targets, without updating: <see cref="Gradients"/> becomes this batch's
        /// gradient (earlier accumulation is discarded). Returns the loss.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> sampleWeights = default)
        {
            int rows = CheckBatch(inputs, sampleWeights);
            int outputs = _model.OutputCount;
            if (targets.Length != (long)rows * outputs)
                throw new ArgumentException($"targets: expected {rows}×{outputs} = {rows * outputs} floats (one row per input row), found {targets.Length}.", nameof(targets));
            Span<float> y = ForwardCore(inputs, rows);
            Span<float> dy = _deltaA.Span.Slice(0, rows * outputs);
            bool softmax = _model.OutputActivation == Activation.Softmax;
            float loss = softmax
                ? Losses.SoftmaxCrossEntropy(y, targets, outputs, sampleWeights, dy)
                : Losses.MeanSquaredError(y, targets, sampleWeights, dy);
            ZeroGradients();
            BackwardCore(inputs, rows, fromLogits: softmax, Span<float>.Empty);
            return loss;
        }

        /// <summary>
        /// Forward pass for 1..<see cref="MaxBatch"/> rows, keeping what <see cref="Backward"/> needs (a copy of the
        /// inputs and every layer's outputs): <paramref name="outputs"/> [rows, OutputCount] receives the last layer's
        /// activations (probabilities for a softmax layer). The kept state is valid until the next
        /// <see cref="Forward"/>, <c>Step</c>, <c>ComputeGradients</c> or <see cref="ApplyGradients"/>.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            int rows = CheckBatch(inputs, ReadOnlySpan<float>.Empty);
            if (outputs.Length != (long)rows * _model.OutputCount)
                throw new ArgumentException($"outputs: expected {rows}×{_model.OutputCount} = {(long)rows * _model.OutputCount} floats for {rows} input rows, found {outputs.Length}.", nameof(outputs));
            Span<float> kept = _inputs.Span.Slice(0, inputs.Length);
            inputs.CopyTo(kept);
            ForwardCore(kept, rows).CopyTo(outputs);
            _forwardRows = rows;
        }

        /// <summary>
        /// Given ∂L/∂outputs [rows, OutputCount] for the rows of the last <see cref="Forward"/>, <b>adds</b> ∂L/∂θ to the
        /// gradient arena (it accumulates, like PyTorch's <c>.grad</c>, until <see cref="ApplyGradients"/> or
        /// <see cref="ZeroGradients"/>) and, when <paramref name="inputGradients"/> is not empty, writes ∂L/∂inputs
        /// [rows, InputCount] into it. The gradient goes through the last layer's activation (element-wise for tanh,
        /// sigmoid and the rectifiers, the row-wise Jacobian for softmax); no normalisation is added: the caller's
        /// gradient is the loss's. May be called more than once after one <see cref="Forward"/> (several losses).
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients = default) =>
            BackwardChecked(outputGradients, inputGradients, fromLogits: false, nameof(outputGradients));

        /// <summary>
        /// As <see cref="Backward"/>, with ∂L/∂z of the last layer — the gradient with respect to its pre-activation
        /// (the logits of a softmax layer) — so that the last activation's Jacobian is skipped: for losses that give
        /// that gradient in closed form, such as softmax cross-entropy's w·(p − y)/N
        /// (<see cref="Losses.SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>)
        /// and the categorical <see cref="PolicyLosses"/>. For an identity last layer it is the same as <see cref="Backward"/>.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void BackwardFromLogits(ReadOnlySpan<float> logitGradients, Span<float> inputGradients = default) =>
            BackwardChecked(logitGradients, inputGradients, fromLogits: true, nameof(logitGradients));

        [MethodImpl(KernelHints.Optimize)]
        private void BackwardChecked(ReadOnlySpan<float> gradients, Span<float> inputGradients, bool fromLogits, string name)
        {
            int rows = _forwardRows;
            if (rows == 0)
                throw new InvalidOperationException($"{name}: expected a Forward first (none since the trainer was built or since the last Step, ComputeGradients or ApplyGradients).");
            int outputs = _model.OutputCount, inputs = _model.InputCount;
            if (gradients.Length != rows * outputs)
                throw new ArgumentException($"{name}: expected {rows}×{outputs} = {rows * outputs} floats (the last Forward had {rows} rows), found {gradients.Length}.", name);
            if (!inputGradients.IsEmpty && inputGradients.Length != rows * inputs)
                throw new ArgumentException($"inputGradients: expected {rows}×{inputs} = {rows * inputs} floats or none, found {inputGradients.Length}.", nameof(inputGradients));
            gradients.CopyTo(_deltaA.Span);
            BackwardCore(_inputs.Span.Slice(0, rows * inputs), rows, fromLogits, inputGradients);
        }

        /// <summary>
        /// Applies the accumulated gradients: the non-finite guard (a NaN or infinite gradient skips the update), global
        /// norm clipping, the optimizer update at <see cref="LearningRate"/>, then zeroes the gradients (skipped or not).
        /// The returned <see cref="StepResult.Loss"/> is NaN (the trainer does not know the caller's loss). Without any
        /// backward pass since the last zeroing, nothing happens (<see cref="StepStatus.SkippedNoGradients"/>), as
        /// <c>optimizer.step()</c> skips parameters without gradients.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public StepResult ApplyGradients() => Apply(float.NaN, checkLoss: false);

        /// <summary>
        /// Zeroes the optimizer's state — momentum or Adam's moments, and the step count — as creating a new PyTorch
        /// optimizer over the same parameters does (e.g. after putting back earlier parameters). Allocates nothing.
        /// </summary>
        public void ResetOptimizer() => _optimizer.Reset();

        /// <summary>Sets every accumulated gradient to zero (no work until the arena is next read or written).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public void ZeroGradients()
        {
            if (_hasGradients) _arenaClear = false;
            _hasGradients = false;
        }

        /// <summary>
        /// Runs every path training will take once, for a loading screen, and leaves the trainer and its model bit for bit
        /// as they were: weights, accumulated gradients, optimizer state (moments, step count), learning rate, clipping
        /// threshold and <see cref="Random"/>. It runs <see cref="Mlp.Warmup"/> up to <see cref="MaxBatch"/>, then at
        /// batches of 1, 2 and <see cref="MaxBatch"/> rows: <c>Step</c> with the built-in loss (class indices and target
        /// rows for a softmax last layer), <see cref="Forward"/>, <see cref="Backward"/> with input gradients,
        /// <see cref="BackwardFromLogits"/> and <see cref="ApplyGradients"/> with clipping on; and once each public loss
        /// function of <see cref="Losses"/> and <see cref="PolicyLosses"/>. That compiles every method those calls reach
        /// and creates every lazily made buffer. Last, with everything compiled, one <see cref="MaxBatch"/>-row
        /// <c>Step</c> and a <see cref="MaxBatch"/>-row and a one-row <see cref="Mlp.Predict"/> again, so that the game's
        /// first calls find the caches and branch predictors holding them rather than the compiler's data. A <see cref="Forward"/> state kept before the call is ended. Call it on
        /// the thread that will train; it allocates its scratch buffers and the snapshot (garbage for the next collection).
        /// </summary>
        public void Warmup()
        {
            var saved = new SavedState(this);
            try
            {
                _model.Warmup(MaxBatch);
                int inputs = _model.InputCount, outputs = _model.OutputCount;
                var x = new float[MaxBatch * inputs];
                var y = new float[MaxBatch * outputs];
                var g = new float[MaxBatch * outputs];
                var dx = new float[MaxBatch * inputs];
                var classes = new int[MaxBatch];
                for (int i = 0; i < x.Length; i++) x[i] = (i % 7) * 0.25f - 0.75f;
                for (int i = 0; i < g.Length; i++) g[i] = ((i % 5) - 2) * 0.01f;
                for (int i = 0; i < classes.Length; i++) classes[i] = i % outputs;
                bool softmax = _model.OutputActivation == Activation.Softmax;
                foreach (int rows in new[] { 1, 2, MaxBatch })
                {
                    if (rows > MaxBatch) continue;
                    ReadOnlySpan<float> xs = x.AsSpan(0, rows * inputs), targets = g.AsSpan(0, rows * outputs);
                    _clipNorm = 1e-6f; // every update below is clipped
                    if (softmax) Step(xs, classes.AsSpan(0, rows));
                    Step(xs, targets); // softmax: target rows (they need not sum to 1); else mean squared error
                    Forward(xs, y.AsSpan(0, rows * outputs));
                    Backward(targets, dx.AsSpan(0, rows * inputs));
                    BackwardFromLogits(targets);
                    ApplyGradients();
                }
                WarmLossFunctions();

                // Settle. Compiling evicts the caches and retrains the branch predictors (the compiler's own data runs to
                // megabytes), so the calls above leave the per-frame code cold. With everything compiled — the restoring
                // code too, by running it here — the game's calls run once more: its first Step and Predict then find
                // them warm (32-64-64-4, first Step and one-row Predict after a warm-up, medians of 11 processes: 30–32 µs
                // and 1.0–1.2 µs before, 19.5 µs and 0.60 µs with this pass; steady state 17 µs and 0.35 µs).
                saved.Restore(this);
                if (softmax) Step(x, classes);
                else Step(x, g);
                _model.Settle(x, y, MaxBatch);
            }
            finally
            {
                saved.Restore(this);
            }
        }

        /// <summary>What <see cref="Warmup"/> puts back: parameters, gradients and their flags, optimizer, learning rate, clipping, PRNG.</summary>
        private sealed class SavedState
        {
            private readonly float[] _parameters, _gradients;
            private readonly bool _hasGradients, _arenaClear;
            private readonly (long stepCount, float[][] buffers) _optimizer;
            private readonly float _learningRate, _clipNorm;
            private readonly Xoshiro128 _random;

            public SavedState(Trainer t)
            {
                _parameters = t._model.Parameters.ToArray();
                _gradients = t._gradients.Span.ToArray();
                _hasGradients = t._hasGradients;
                _arenaClear = t._arenaClear;
                _optimizer = t._optimizer.Snapshot();
                _learningRate = t._learningRate;
                _clipNorm = t._clipNorm;
                _random = t._random;
            }

            public void Restore(Trainer t)
            {
                _parameters.AsSpan().CopyTo(t._model.Parameters);
                _gradients.AsSpan().CopyTo(t._gradients.Span);
                t._hasGradients = _hasGradients;
                t._arenaClear = _arenaClear;
                t._optimizer.Restore(_optimizer);
                t._learningRate = _learningRate;
                t._clipNorm = _clipNorm;
                t._random = _random;
                t._forwardRows = 0;
            }
        }

        /// <summary>Calls each public loss function once on two rows of two columns (their first call then costs no compilation).</summary>
        private static void WarmLossFunctions()
        {
            float[] p = { 0.25f, 0.75f, 0.5f, 0.5f }, t = { 0f, 1f, 1f, 0f }, gauss = { 0.1f, -0.2f, 0.3f, 0.1f }, a = { 0.2f, -0.1f };
            float[] two = { 0.5f, -0.5f }, old = { -1f, -0.7f }, grad = new float[4], grad2 = new float[2];
            int[] actions = { 1, 0 };
            Losses.Softmax(p, grad, 2);
            Losses.SoftmaxCrossEntropy(p, actions, two, grad);
            Losses.SoftmaxCrossEntropy(p, t, 2, two, grad);
            Losses.MeanSquaredError(p, t, two, grad);
            Losses.Huber(p, actions, two, 1f, two, grad);
            PolicyLosses.CategoricalLogProbability(p, actions, grad2);
            PolicyLosses.CategoricalPolicyGradient(p, actions, two, 0.01f, grad);
            PolicyLosses.CategoricalPpo(p, actions, two, old, 0.2f, 0.01f, grad);
            PolicyLosses.GaussianLogProbability(gauss, a, grad2.AsSpan(0, 1));
            PolicyLosses.GaussianPolicyGradient(gauss, a, two.AsSpan(0, 1), 0.01f, grad);
            PolicyLosses.GaussianPpo(gauss, a, two.AsSpan(0, 1), old.AsSpan(0, 1), 0.2f, 0.01f, grad);
            PolicyLosses.ValueLoss(two, old, two, 0.2f, grad2);
        }

        [MethodImpl(KernelHints.Optimize)]
        private int CheckBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> sampleWeights)
        {
            int rows = Mlp.RowsOf(inputs, _model.InputCount, nameof(inputs));
            if (rows > MaxBatch)
                throw new ArgumentException($"inputs: expected at most MaxBatch = {MaxBatch} rows, found {rows}.", nameof(inputs));
            if (!sampleWeights.IsEmpty && sampleWeights.Length != rows)
                throw new ArgumentException($"sampleWeights: expected {rows} weights (one per input row) or none, found {sampleWeights.Length}.", nameof(sampleWeights));
            return rows;
        }

        [MethodImpl(KernelHints.Optimize)]
        private Span<float> Activations(int layer, int rows) =>
            _activations.Span.Slice(_activationOffsets[layer], rows * _model.Layouts[layer].Units);

        /// <summary>Runs every layer on <paramref name="rows"/> rows, keeping each layer's output; returns the last.</summary>
        [MethodImpl(KernelHints.Optimize)]
        private Span<float> ForwardCore(ReadOnlySpan<float> inputs, int rows)
        {
            _forwardRows = 0; // the kept state is this pass's; only the public Forward (which keeps the inputs) validates it
            LayerLayout[] layers = _model.Layouts;
            ReadOnlySpan<float> parameters = _model.Parameters;
            ReadOnlySpan<float> x = inputs;
            Span<float> y = default;
            for (int l = 0; l < layers.Length; l++)
            {
                y = Activations(l, rows);
                DenseLayer.Forward(layers[l], parameters, x, y, rows);
                x = y;
            }
            return y;
        }

        /// <summary>
        /// From the gradient at the top (in _deltaA: ∂L/∂y, or ∂L/∂z when <paramref name="fromLogits"/>) down to the
        /// first layer: every layer's ∇W and ∇b added to the arena (written instead when it holds no gradients), and
        /// ∂L/∂inputs into <paramref name="inputGradients"/> unless it is empty.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        private void BackwardCore(ReadOnlySpan<float> inputs, int rows, bool fromLogits, Span<float> inputGradients)
        {
            LayerLayout[] layers = _model.Layouts;
            ReadOnlySpan<float> parameters = _model.Parameters;
            bool accumulate = _hasGradients;
            _hasGradients = true;
            _arenaClear = false;
            AlignedBuffer dy = _deltaA, dx = _deltaB;
            int last = layers.Length - 1;
            for (int l = last; l >= 0; l--)
            {
                LayerLayout layer = layers[l];
                ReadOnlySpan<float> x = l == 0 ? inputs : Activations(l - 1, rows);
                Span<float> dxl = l == 0 ? inputGradients : dx.Span.Slice(0, rows * layer.FanIn);
                DenseLayer.Backward(layer, parameters, _gradients.Span, x, Activations(l, rows), dy.Span.Slice(0, rows * layer.Units), dxl, rows,
                    accumulate, dyIsPreActivation: fromLogits && l == last);
                AlignedBuffer t = dy; dy = dx; dx = t;
            }
        }

        [MethodImpl(KernelHints.Optimize)]
        private StepResult Apply(float loss, bool checkLoss = true)
        {
            _forwardRows = 0;
            if (checkLoss && !IsFinite(loss))
            {
                ZeroGradients();
                return new StepResult(loss, float.NaN, StepStatus.SkippedNonFiniteLoss);
            }
            if (!_hasGradients)
                return new StepResult(loss, float.NaN, StepStatus.SkippedNoGradients);
            double norm = Math.Sqrt(Reductions.SumOfSquares(_gradients.Span));
            if (double.IsNaN(norm) || double.IsInfinity(norm))
            {
                ZeroGradients();
                return new StepResult(loss, (float)norm, StepStatus.SkippedNonFiniteGradient);
            }
            if (_clipNorm > 0f)
            {
                // torch.nn.utils.clip_grad_norm_: coef = max_norm / (norm + 1e-6), applied when below 1.
                double coef = _clipNorm / (norm + 1e-6);
                if (coef < 1.0) Reductions.Scale(_gradients.Span, (float)coef);
            }
            _optimizer.Update(_model.Parameters, _gradients.Span, _learningRate);
            ZeroGradients();
            return new StepResult(loss, (float)norm, StepStatus.Applied);
        }

        [MethodImpl(KernelHints.Optimize)]
        private static bool IsFinite(float x) => !float.IsNaN(x) && !float.IsInfinity(x);
    }
}
