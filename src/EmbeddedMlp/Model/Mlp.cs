using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using EmbeddedMlp.Inference;
using EmbeddedMlp.Layers;

namespace EmbeddedMlp
{
    /// <summary>
    /// A multi-layer perceptron: dense layers whose parameters live in one contiguous float arena
    /// (per layer: W [units, fan_in] row-major as PyTorch's <c>nn.Linear.weight</c>, then b [units]).
    /// <see cref="Predict"/> is safe to call from several threads at once and allocates nothing in steady state;
    /// changing parameters (training, loading) while another thread predicts is not.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public sealed class Mlp
    {
        private readonly LayerSpec[] _specs;
        private readonly LayerLayout[] _layouts;
        private readonly AlignedBuffer _parameters; // the arena, starting on a cache line
        private readonly ForwardWorkspacePool _workspaces;

        /// <summary>Builds a model with weights drawn from seed 0.</summary>
        public Mlp(int inputs, params LayerSpec[] layers) : this(inputs, (IReadOnlyList<LayerSpec>)layers, 0) { }

        /// <summary>Builds a model; the same seed gives the same weights, bit for bit, on every runtime.</summary>
        /// <param name="inputs">Input width, at least 1.</param>
        /// <param name="layers">Layers from input to output; at least one; softmax only on the last.</param>
        /// <param name="seed">Seed of the weight initialisation.</param>
        public Mlp(int inputs, IReadOnlyList<LayerSpec> layers, ulong seed) : this(inputs, layers, seed, initialize: true) { }

        private Mlp(int inputs, IReadOnlyList<LayerSpec> layers, ulong seed, bool initialize)
        {
            if (inputs < 1)
                throw new ArgumentOutOfRangeException(nameof(inputs), inputs, $"inputs: expected at least 1, found {inputs}.");
            if (layers is null) throw new ArgumentNullException(nameof(layers));
            if (layers.Count < 1)
                throw new ArgumentException("layers: expected at least one layer, found none.", nameof(layers));

            _specs = new LayerSpec[layers.Count];
            _layouts = new LayerLayout[layers.Count];
            long offset = 0;
            int fanIn = inputs, maxWidth = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec spec = layers[i];
                if (spec.Units < 1)
                    throw new ArgumentException($"layers[{i}]: expected a constructed LayerSpec with units ≥ 1, found units = {spec.Units}.", nameof(layers));
                if (spec.Activation == Activation.Softmax && i != layers.Count - 1)
                    throw new ArgumentException($"layers[{i}]: softmax is only allowed on the last layer (layer {layers.Count - 1}).", nameof(layers));
                long weights = (long)spec.Units * fanIn;
                long biasOffset = spec.HasBias ? offset + weights : -1;
                _specs[i] = spec;
                _layouts[i] = new LayerLayout(fanIn, spec.Units, spec.Activation, (int)Math.Min(offset, int.MaxValue), (int)Math.Min(biasOffset, int.MaxValue));
                offset += weights + (spec.HasBias ? spec.Units : 0);
                if (offset > int.MaxValue - 64)
                    throw new ArgumentException($"layers: expected at most {int.MaxValue - 64} parameters in all, found more than {offset} by layer {i}.", nameof(layers));
                fanIn = spec.Units;
                maxWidth = Math.Max(maxWidth, spec.Units);
            }

            InputCount = inputs;
            OutputCount = fanIn;
            MaxWidth = maxWidth;
            Layers = new ReadOnlyCollection<LayerSpec>(_specs);
            _parameters = AlignedBuffer.Allocate((int)offset);
            _workspaces = new ForwardWorkspacePool(maxWidth);
            if (initialize) Initialize(seed);
        }

        /// <summary>Input width.</summary>
        public int InputCount { get; }
        /// <summary>Output width (units of the last layer).</summary>
        public int OutputCount { get; }
        /// <summary>Largest layer width.</summary>
        public int MaxWidth { get; }
        /// <summary>Number of layers.</summary>
        public int LayerCount => _specs.Length;
        /// <summary>The layers, from input to output.</summary>
        public IReadOnlyList<LayerSpec> Layers { get; }
        /// <summary>Total number of parameters.</summary>
        public int ParameterCount => _parameters.Length;
        /// <summary>Activation of the last layer (softmax ⇒ cross-entropy training, else mean squared error).</summary>
        public Activation OutputActivation
        {
            [MethodImpl(KernelHints.Optimize)]
            get => _layouts[_layouts.Length - 1].Activation;
        }

        /// <summary>The whole parameter arena; writable (load weights into it, or edit them, between calls).</summary>
        public Span<float> Parameters => _parameters.Span;

        /// <summary>Shape and arena offsets of layer <paramref name="layer"/>.</summary>
        public LayerLayout GetLayout(int layer)
        {
            CheckLayer(layer);
            return _layouts[layer];
        }

        internal LayerLayout[] Layouts => _layouts;

        /// <summary>W of a layer, [units, fan_in] row-major, as a view into the arena.</summary>
        public Span<float> GetWeights(int layer)
        {
            CheckLayer(layer);
            return _parameters.Span.Slice(_layouts[layer].WeightOffset, _layouts[layer].WeightCount);
        }

        /// <summary>b of a layer, [units], as a view into the arena; empty when the layer has no bias.</summary>
        public Span<float> GetBias(int layer)
        {
            CheckLayer(layer);
            LayerLayout l = _layouts[layer];
            return l.HasBias ? _parameters.Span.Slice(l.BiasOffset, l.Units) : Span<float>.Empty;
        }

        /// <summary>Re-draws every weight from <paramref name="seed"/> and zeroes every bias.</summary>
        public void Initialize(ulong seed)
        {
            var rng = new Xoshiro128(seed);
            for (int i = 0; i < _layouts.Length; i++)
            {
                LayerLayout l = _layouts[i];
                WeightInitializer.Fill(_parameters.Span.Slice(l.WeightOffset, l.WeightCount), _specs[i].Init, l.Activation, l.FanIn, l.Units, ref rng);
                if (l.HasBias) _parameters.Span.Slice(l.BiasOffset, l.Units).Clear();
            }
        }

        /// <summary>
        /// Copies every parameter of <paramref name="source"/> into this model (a hard target-network update). Both must
        /// have the same shape: input width, and per layer units, activation and bias. Allocates nothing.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void CopyParametersFrom(Mlp source)
        {
            CheckSameShape(source, nameof(source));
            source._parameters.Span.CopyTo(_parameters.Span);
        }

        /// <summary>
        /// Polyak averaging (a soft target-network update): θ ← τ·θ_source + (1 − τ)·θ for every parameter, with
        /// τ in [0, 1] (τ = 1 copies, τ = 0 keeps). Same shape required, as for <see cref="CopyParametersFrom"/>.
        /// Allocates nothing.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void SoftUpdateFrom(Mlp source, float tau)
        {
            if (!(tau >= 0f && tau <= 1f))
                throw new ArgumentOutOfRangeException(nameof(tau), tau, $"tau: expected a value in [0, 1], found {tau}.");
            CheckSameShape(source, nameof(source));
            Kernels.Reductions.Blend(_parameters.Span, source._parameters.Span, tau);
        }

        /// <summary>A new model with the same layers and a copy of the parameters (e.g. a target network).</summary>
        public Mlp Clone()
        {
            var copy = new Mlp(InputCount, _specs, 0, initialize: false);
            _parameters.Span.CopyTo(copy._parameters.Span);
            return copy;
        }

        [MethodImpl(KernelHints.Optimize)]
        private void CheckSameShape(Mlp? other, string name)
        {
            if (other is null) throw new ArgumentNullException(name);
            if (other.InputCount != InputCount)
                throw new ArgumentException($"{name}: expected a model with {InputCount} inputs, found {other.InputCount}.", name);
            if (other.LayerCount != LayerCount)
                throw new ArgumentException($"{name}: expected a model with {LayerCount} layers, found {other.LayerCount}.", name);
            for (int i = 0; i < _specs.Length; i++)
            {
                LayerSpec a = _specs[i], b = other._specs[i];
                if (a.Units != b.Units || a.Activation != b.Activation || a.HasBias != b.HasBias)
                    throw new ArgumentException($"{name}: expected layer {i} to be {a}, found {b}.", name);
            }
        }

        /// <summary>
        /// Inference: <paramref name="outputs"/> [rows, OutputCount] = the last layer's activations for
        /// <paramref name="inputs"/> [rows, InputCount] (row-major, any rows ≥ 1). Thread-safe; allocation-free once
        /// warm (workspaces are pooled per power-of-two batch size).
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            int rows = RowsOf(inputs, InputCount, nameof(inputs));
            if (outputs.Length != (long)rows * OutputCount)
                throw new ArgumentException($"outputs: expected {rows}×{OutputCount} = {(long)rows * OutputCount} floats for {rows} input rows, found {outputs.Length}.", nameof(outputs));

            // A few rows of a model up to 1024 wide (batch-1 inference of every benchmark model) run on stack scratch:
            // no pool round trip (two interlocked operations) for the calls where that overhead weighs most.
            if ((long)rows * MaxWidth <= StackScratchFloats)
            {
                int size = rows * MaxWidth;
                Span<float> first = stackalloc float[size];
                Span<float> second = stackalloc float[size];
                Forward(inputs, outputs, rows, first, second);
                return;
            }
            for (int start = 0; start < rows; start += ForwardWorkspacePool.MaxRows)
            {
                int n = Math.Min(ForwardWorkspacePool.MaxRows, rows - start);
                ForwardWorkspace ws = _workspaces.Rent(n);
                try
                {
                    Forward(inputs.Slice(start * InputCount, n * InputCount), outputs.Slice(start * OutputCount, n * OutputCount), n,
                        ws.Buffer(0), ws.Buffer(1));
                }
                finally
                {
                    _workspaces.Return(ws);
                }
            }
        }

        /// <summary>
        /// Runs every path <see cref="Predict"/> takes for batches of 1 to <paramref name="maxBatch"/> rows once, for a
        /// loading screen: one call per batch-size class (1 and 2 rows, each power of two below
        /// <paramref name="maxBatch"/>, and <paramref name="maxBatch"/>), which compiles every method those calls reach,
        /// creates the pooled workspaces of every batch-size bucket, and starts the kernel worker threads'
        /// per-thread buffers when <see cref="Kernels.KernelDispatch.MaxDegreeOfParallelism"/> is above 1; then the
        /// <paramref name="maxBatch"/>-row and one-row calls once more, so that the caches and branch predictors hold the
        /// inference path rather than the compiler's data when the game's first call comes. Parameters are not changed. Call it on the thread that will call <see cref="Predict"/> (the packing buffers of large
        /// products are per thread); it allocates its input and output buffers (garbage for the next collection).
        /// </summary>
        /// <param name="maxBatch">The largest batch the game will pass to <see cref="Predict"/>, at least 1.</param>
        public void Warmup(int maxBatch)
        {
            if (maxBatch < 1)
                throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, $"maxBatch: expected at least 1, found {maxBatch}.");
            var x = new float[(long)maxBatch * InputCount];
            for (int i = 0; i < x.Length; i++) x[i] = (i % 7) * 0.25f - 0.75f;
            var y = new float[(long)maxBatch * OutputCount];
            foreach (int rows in WarmupBatches(maxBatch))
                Predict(x.AsSpan(0, rows * InputCount), y.AsSpan(0, rows * OutputCount));
            Settle(x, y, maxBatch);
        }

        /// <summary>
        /// The last pass of a warm-up, once everything is compiled: <paramref name="maxBatch"/>-row and one-row
        /// <see cref="Predict"/> again. Compiling evicts the caches and retrains the branch predictors (the compiler's own
        /// data runs to megabytes), so the calls that compiled the paths leave them cold; the game's first call after the
        /// warm-up finds them warm when this pass comes last (figures in docs/performance.md, "First calls").
        /// </summary>
        internal void Settle(float[] x, float[] y, int maxBatch)
        {
            Predict(x.AsSpan(0, maxBatch * InputCount), y.AsSpan(0, maxBatch * OutputCount));
            Predict(x.AsSpan(0, InputCount), y.AsSpan(0, OutputCount));
        }

        /// <summary>The batch sizes a warm-up runs: 1, 2, every power of two below <paramref name="maxBatch"/>, and maxBatch.</summary>
        internal static IEnumerable<int> WarmupBatches(int maxBatch)
        {
            for (int rows = 1; rows < maxBatch; rows = rows < 2 ? rows + 1 : rows * 2) yield return rows;
            yield return maxBatch;
        }

        /// <summary>Floats of each of the two stack buffers a small <see cref="Predict"/> may use (4 KB each).</summary>
        private const int StackScratchFloats = 1024;

        /// <summary>Runs every layer on <paramref name="n"/> rows, ping-ponging between two scratch buffers of at least n × MaxWidth floats.</summary>
        [MethodImpl(KernelHints.Optimize)]
        private void Forward(ReadOnlySpan<float> x, Span<float> output, int n, Span<float> first, Span<float> second)
        {
            int last = _layouts.Length - 1;
            for (int l = 0; l < _layouts.Length; l++)
            {
                Span<float> y = l == last ? output : (l & 1) == 0 ? first.Slice(0, n * _layouts[l].Units) : second.Slice(0, n * _layouts[l].Units);
                DenseLayer.Forward(_layouts[l], _parameters.Span, x, y, n);
                x = y;
            }
        }

        /// <summary>Rows in a row-major batch, with an <see cref="ArgumentException"/> naming the argument if it is not whole.</summary>
        [MethodImpl(KernelHints.Optimize)]
        internal static int RowsOf(ReadOnlySpan<float> data, int width, string name)
        {
            if (data.Length == 0 || data.Length % width != 0)
                throw new ArgumentException($"{name}: expected a positive multiple of {width} floats (rows × {width}), found {data.Length}.", name);
            return data.Length / width;
        }

        private void CheckLayer(int layer)
        {
            if ((uint)layer >= (uint)_layouts.Length)
                throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer: expected 0..{_layouts.Length - 1}, found {layer}.");
        }

        /// <inheritdoc />
        public override string ToString()
        {
            var parts = new string[_specs.Length + 1];
            parts[0] = InputCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (int i = 0; i < _specs.Length; i++) parts[i + 1] = _specs[i].ToString();
            return "Mlp(" + string.Join(" → ", parts) + $", {ParameterCount} parameters)";
        }
    }
}
