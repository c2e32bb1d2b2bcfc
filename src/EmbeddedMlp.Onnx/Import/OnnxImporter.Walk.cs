using System;
using System.Collections.Generic;
using EmbeddedMlp.Serialization;
using Onnx;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// The data-flow part of the import: indexes producers and consumers, checks the graph is acyclic, and walks it from
    /// input to output into layer plans.
    /// </summary>
    internal sealed partial class OnnxImporter
    {
        private readonly struct Use
        {
            public Use(int node, int slot) { Node = node; Slot = slot; }
            public int Node { get; }
            public int Slot { get; }
        }

        private sealed class BiasTerm
        {
            public BiasTerm(ConstTensor value, float scale, string field) { Value = value; Scale = scale; Field = field; }
            public ConstTensor Value { get; }
            public float Scale { get; }
            public string Field { get; }
        }

        /// <summary>One Linear layer found in the graph, its tensors checked but not yet read.</summary>
        private sealed class LayerPlan
        {
            public LayerPlan(int inputs, int units, ConstTensor weight, bool storedOutIn, float scale, string field)
            {
                Inputs = inputs; Units = units; Weight = weight; StoredOutIn = storedOutIn; Scale = scale; Field = field;
            }
            public int Inputs { get; }
            public int Units { get; }
            public ConstTensor Weight { get; }
            /// <summary>The stored elements are [units, inputs] row-major (else [inputs, units]).</summary>
            public bool StoredOutIn { get; }
            /// <summary>Gemm's alpha, folded into the weights.</summary>
            public float Scale { get; }
            public string Field { get; }
            public List<BiasTerm> Biases { get; } = new List<BiasTerm>();
            public Activation Activation { get; set; }
            public int ActivationNode { get; set; } = -1;
        }

        // ---- Values and data flow --------------------------------------------------------------------------------------

        private void IndexValues()
        {
            int count = Nodes.Count;
            _onPath = new bool[count];
            _constUsed = new bool[count];
            for (int i = 0; i < count; i++)
            {
                NodeProto n = Nodes[i];
                string name = n.Output[0];
                string field = Names.Node(n, i);
                if (name == _inputName)
                    throw new ModelFormatException(field, "an output name of its own", $"{Names.Quote(name)}, the graph input's name");
                if (_initializers.ContainsKey(name))
                    throw new ModelFormatException(field, "an output name of its own", $"{Names.Quote(name)}, an initializer's name");
                if (_producer.TryGetValue(name, out int other))
                    throw new ModelFormatException(field, "an output name no other node produces", $"{Names.Quote(name)}, also the output of {Names.Node(Nodes[other], other)}");
                _producer.Add(name, i);
            }
            for (int i = 0; i < count; i++)
            {
                NodeProto n = Nodes[i];
                for (int s = 0; s < n.Input.Count; s++)
                {
                    string name = n.Input[s];
                    if (name.Length == 0) continue;
                    if (!_consumers.TryGetValue(name, out List<Use>? uses))
                        _consumers.Add(name, uses = new List<Use>(1));
                    uses.Add(new Use(i, s));
                }
            }
        }

        /// <summary>Kahn's algorithm over the producer → consumer edges; a node left over lies on or after a cycle.</summary>
        private void CheckAcyclic()
        {
            int count = Nodes.Count;
            var pending = new int[count];
            var ready = new Queue<int>();
            for (int i = 0; i < count; i++)
            {
                foreach (string name in Nodes[i].Input)
                    if (name.Length != 0 && _producer.ContainsKey(name)) pending[i]++;
                if (pending[i] == 0) ready.Enqueue(i);
            }
            int done = 0;
            while (ready.Count > 0)
            {
                int i = ready.Dequeue();
                done++;
                if (_consumers.TryGetValue(Nodes[i].Output[0], out List<Use>? uses))
                    foreach (Use u in uses)
                        if (--pending[u.Node] == 0) ready.Enqueue(u.Node);
            }
            if (done == count) return;

            // Walk back from a left-over node through left-over producers until a node repeats: it is on a cycle.
            int at = Array.FindIndex(pending, p => p > 0);
            var seen = new bool[count];
            while (!seen[at])
            {
                seen[at] = true;
                int next = -1;
                foreach (string name in Nodes[at].Input)
                    if (name.Length != 0 && _producer.TryGetValue(name, out int p) && pending[p] > 0) { next = p; break; }
                if (next < 0) break; // not reached: a left-over node always has a left-over producer
                at = next;
            }
            throw new ModelFormatException(Names.Node(Nodes[at], at), "an acyclic graph", "a cycle through this node");
        }

        private List<LayerPlan> Walk()
        {
            var layers = new List<LayerPlan>();
            LayerPlan? current = null;
            int softmaxNode = -1;
            string value = _inputName;
            string from = $"the graph input {Names.Quote(_inputName)}";
            int width = _inputWidth;
            while (true)
            {
                _consumers.TryGetValue(value, out List<Use>? uses);
                int useCount = uses?.Count ?? 0;
                if (value == _outputName)
                {
                    if (useCount > 0)
                        throw new ModelFormatException($"graph output {Names.Quote(value)}", "a value no node consumes (an MLP is a chain from input to output)",
                            $"it also feeds {Names.Node(Nodes[uses![0].Node], uses[0].Node)}");
                    break;
                }
                if (useCount == 0)
                    throw new ModelFormatException($"value {Names.Quote(value)}", $"the data to flow on to the graph output {Names.Quote(_outputName)}",
                        $"no node consuming it (it is {from})");
                if (useCount > 1)
                {
                    var list = new List<string>();
                    for (int i = 0; i < useCount && i < 3; i++) list.Add(Names.Node(Nodes[uses![i].Node], uses[i].Node));
                    throw new ModelFormatException($"value {Names.Quote(value)}", "one consumer (an MLP is a chain from input to output)",
                        $"{useCount}: {string.Join(", ", list)}{(useCount > 3 ? ", …" : "")}");
                }

                Use use = uses![0];
                int index = use.Node;
                NodeProto n = Nodes[index];
                string field = Names.Node(n, index);
                if (_onPath[index])
                    throw new ModelFormatException(field, "an acyclic graph", "a cycle through this node");
                _onPath[index] = true;

                switch (n.OpType)
                {
                    case "Gemm":
                    {
                        if (use.Slot != 0)
                            throw new ModelFormatException(field, "the data as input A (Gemm computes alpha·A·B + beta·C)", $"it as input {(use.Slot == 1 ? "B" : "C")}");
                        if (softmaxNode >= 0) throw SoftmaxNotLast(softmaxNode, field);
                        ConstTensor b = Constant(index, 1, "B", true, 2);
                        current = NewLayer(layers, field, index, b, Int(n, "transB", 0) == 1, Float(n, "alpha", 1f), ref width);
                        if (n.Input.Count > 2 && n.Input[2].Length != 0)
                            AddBias(current, Constant(index, 2, "C", true, 2), Float(n, "beta", 1f), $"{field} input C {Names.Quote(n.Input[2])}");
                        break;
                    }
                    case "MatMul":
                    {
                        if (use.Slot != 0)
                            throw new ModelFormatException(field, "the data as input A (x·W)", "it as input B (W·x)");
                        if (softmaxNode >= 0) throw SoftmaxNotLast(softmaxNode, field);
                        ConstTensor b = Constant(index, 1, "B", true, 2);
                        current = NewLayer(layers, field, index, b, false, 1f, ref width);
                        break;
                    }
                    case "Add":
                    {
                        if (current is null || current.ActivationNode >= 0)
                            throw new ModelFormatException(field, "an Add of a bias right after a Gemm or MatMul, before its activation",
                                current is null ? "it before any Linear layer" : $"it after the activation {Names.Node(Nodes[current.ActivationNode], current.ActivationNode)}");
                        int other = 1 - use.Slot;
                        AddBias(current, Constant(index, other, other == 1 ? "B" : "A", true, 2), 1f, $"{field} input {(other == 1 ? "B" : "A")} {Names.Quote(n.Input[other])}");
                        break;
                    }
                    case "Relu": case "LeakyRelu": case "Tanh": case "Sigmoid": case "Softmax":
                    {
                        if (current is null)
                            throw new ModelFormatException(field, "an activation right after a Linear layer (Gemm, or MatMul and its Add)", "it on the graph input");
                        if (current.ActivationNode >= 0)
                            throw new ModelFormatException(field, "one activation per Linear layer", $"a second one after {Names.Node(Nodes[current.ActivationNode], current.ActivationNode)}");
                        current.ActivationNode = index;
                        current.Activation = n.OpType switch
                        {
                            "Relu" => Activation.Relu,
                            "LeakyRelu" => Activation.LeakyRelu,
                            "Tanh" => Activation.Tanh,
                            "Sigmoid" => Activation.Sigmoid,
                            _ => Activation.Softmax,
                        };
                        if (current.Activation == Activation.Softmax) softmaxNode = index;
                        break;
                    }
                    case "Identity": case "Flatten":
                        break; // [N, F] stays [N, F] (Flatten's axis was checked)
                    case "Reshape":
                    {
                        if (use.Slot != 0)
                            throw new ModelFormatException(field, "the data as input 0", "it as the shape (input 1)");
                        CheckReshape(index, field, width);
                        break;
                    }
                    default: // Transpose; Constant has no inputs
                        throw new ModelFormatException(field, "data to flow through Gemm, MatMul, Add, activations, Identity, Flatten or Reshape " +
                            "(Transpose only of a constant weight)", $"{Names.Op(n.OpType)} on the data");
                }
                from = $"the output of {field}";
                value = n.Output[0];
            }

            if (layers.Count == 0)
                throw new ModelFormatException("graph", $"at least one Linear layer (Gemm or MatMul) between the graph input {Names.Quote(_inputName)} and output {Names.Quote(_outputName)}", "none");

            TensorShapeProto? outShape = _graph.Output[0].Type?.TensorType?.Shape;
            if (outShape != null)
            {
                string outField = $"graph output {Names.Quote(_outputName)}";
                if (outShape.Dim.Count != 2)
                    throw new ModelFormatException(outField, $"a shape [N, {width}] (rank 2)", $"rank {outShape.Dim.Count}");
                TensorShapeProto.Types.Dimension d = outShape.Dim[1];
                if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue != width)
                    throw new ModelFormatException(outField, $"a shape [N, {width}] (the last layer's units)", $"[N, {Names.Int(d.DimValue)}]");
            }
            return layers;
        }

        private ModelFormatException SoftmaxNotLast(int softmaxNode, string next) =>
            new ModelFormatException(Names.Node(Nodes[softmaxNode], softmaxNode),
                "Softmax only after the last Linear layer (the runtime's softmax is an output activation)", $"{next} after it");

        private LayerPlan NewLayer(List<LayerPlan> layers, string field, int index, ConstTensor weight, bool outIn, float alpha, ref int width)
        {
            string wField = $"{field} input B {Names.Quote(Nodes[index].Input[1])}";
            if (layers.Count >= _options.MaxLayers)
                throw new ModelFormatException(field, $"at most {_options.MaxLayers} Linear layers (OnnxImportOptions.MaxLayers)", "more");
            if (weight.Dims.Length != 2)
                throw new ModelFormatException(wField, $"a 2-D weight ({weight})", $"shape {Names.Shape(weight.Dims)}");
            bool storedOutIn = outIn != weight.Transposed;
            long units = storedOutIn ? weight.Dims[0] : weight.Dims[1];
            long inputs = storedOutIn ? weight.Dims[1] : weight.Dims[0];
            if (inputs != width)
            {
                string layout = storedOutIn ? $"[units, {width}]" : $"[{width}, units]";
                throw new ModelFormatException(wField, $"a weight of shape {layout} as this node uses it (the data here has {width} features)",
                    $"{Names.Shape(weight.Dims)} ({weight})");
            }
            if (units < 1)
                throw new ModelFormatException(wField, "a weight with at least 1 output unit", $"shape {Names.Shape(weight.Dims)}");
            _parameters += units * inputs;
            CheckParameters(field);
            var plan = new LayerPlan(width, (int)units, weight, storedOutIn, alpha, wField);
            layers.Add(plan);
            width = (int)units;
            return plan;
        }

        private void AddBias(LayerPlan layer, ConstTensor c, float scale, string field)
        {
            long[] d = c.Dims;
            if (c.Transposed && d.Length == 2) d = new[] { d[1], d[0] };
            long u = layer.Units;
            bool ok = d.Length == 0 || (d.Length == 1 && (d[0] == 1 || d[0] == u)) || (d.Length == 2 && d[0] == 1 && (d[1] == 1 || d[1] == u));
            if (!ok)
                throw new ModelFormatException(field, $"a bias of shape [{u}] (or [1, {u}], or one value for all units)", $"shape {Names.Shape(d)} ({c})");
            if (layer.Biases.Count == 0)
            {
                _parameters += u;
                CheckParameters(field);
            }
            layer.Biases.Add(new BiasTerm(c, scale, field));
        }

        private void CheckParameters(string field)
        {
            if (_parameters > _options.MaxParameters)
                throw new ModelFormatException(field, $"at most {_options.MaxParameters} parameters in all (OnnxImportOptions.MaxParameters)", $"{_parameters} by this layer");
        }

        private void CheckReshape(int index, string field, int width)
        {
            ConstTensor shape = Constant(index, 1, "shape", false, 1);
            bool allowZero = Int(Nodes[index], "allowzero", 0) == 1;
            if (shape.Count != 2)
                throw new ModelFormatException(field, $"a shape of 2 values that keeps [N, {width}]", $"{shape.Count} value{(shape.Count == 1 ? "" : "s")} ({shape})");
            long a = shape.Int64(0), b = shape.Int64(1);
            bool batchKept = a == -1 || (a == 0 && !allowZero);
            bool featuresKept = b == width || (b == 0 && !allowZero) || (b == -1 && a != -1);
            if (!batchKept || !featuresKept)
                throw new ModelFormatException(field, $"a shape that keeps [N, {width}] (a no-op): [-1 or 0, {width}, 0 or -1]",
                    $"[{Names.Int(a)}, {Names.Int(b)}]{(allowZero ? " with allowzero = 1" : "")}");
        }

        private void CheckEverythingUsed()
        {
            for (int i = 0; i < Nodes.Count; i++)
                if (!_onPath[i] && !_constUsed[i])
                    throw new ModelFormatException(Names.Node(Nodes[i], i),
                        $"a node on the path from the graph input {Names.Quote(_inputName)} to the output {Names.Quote(_outputName)} or feeding it a constant",
                        "a node off that path");
            for (int i = 0; i < _initializerUsed.Length; i++)
                if (!_initializerUsed[i])
                    throw new ModelFormatException($"graph.initializer[{i}] {Names.Quote(_graph.Initializer[i].Name)}", "an initializer that a node of the MLP uses", "an unused initializer");
        }
    }
}
