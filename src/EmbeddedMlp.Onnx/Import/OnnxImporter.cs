using System;
using System.Collections.Generic;
using EmbeddedMlp.Serialization;
using Google.Protobuf;
using Onnx;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// Reads an ONNX model into an <see cref="Mlp"/>: checks the bytes (size, wire format, element count), parses them,
    /// validates every node, walks the data flow from the graph input to the graph output, matches Linear layers
    /// (Gemm, MatMul [+ Add]) and their activations, and only then allocates the model and decodes the weights into
    /// its arena. Every problem is a <see cref="ModelFormatException"/> naming the node (index, name, op type).
    /// </summary>
    internal sealed class OnnxImporter
    {
        /// <summary>Default-domain opsets accepted: what PyTorch's exporters write (opset 9 and later), up to ONNX 1.16's.</summary>
        public const int MinOpset = 9, MaxOpset = 21;

        private const string Supported =
            "one of Gemm, MatMul, Add, Relu, LeakyRelu, Tanh, Sigmoid, Softmax, Identity, Flatten, Reshape, Constant, Transpose";

        private static readonly MessageParser<ModelProto> Parser = ModelProto.Parser.WithDiscardUnknownFields(true);

        private readonly OnnxImportOptions _options;
        private readonly ModelProto _model;
        private readonly GraphProto _graph;
        private int _opset;
        private readonly Dictionary<string, int> _initializers = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _producer = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Use>> _consumers = new Dictionary<string, List<Use>>(StringComparer.Ordinal);
        private readonly Dictionary<int, TensorProto> _constantValues = new Dictionary<int, TensorProto>();
        private bool[] _initializerUsed = Array.Empty<bool>();
        private bool[] _onPath = Array.Empty<bool>();
        private bool[] _constUsed = Array.Empty<bool>();
        private string _inputName = "";
        private string _outputName = "";
        private int _inputWidth;
        private long _parameters;

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

        private OnnxImporter(ModelProto model, OnnxImportOptions options)
        {
            _model = model;
            _options = options;
            _graph = model.Graph ?? throw new ModelFormatException("graph", "a graph", "none");
        }

        private Google.Protobuf.Collections.RepeatedField<NodeProto> Nodes => _graph.Node;

        // ---- Entry -------------------------------------------------------------------------------------------------

        public static Mlp Import(byte[] bytes, OnnxImportOptions options, out Dictionary<string, string> metadata)
        {
            if (bytes.Length > options.MaxBytes)
                throw new ModelFormatException("(file)", $"at most {options.MaxBytes} bytes (OnnxImportOptions.MaxBytes)", $"{bytes.Length} bytes");
            if (bytes.Length == 0)
                throw new ModelFormatException("(file)", "an ONNX model (a protobuf ModelProto)", "an empty file");
            WireScan.Check(bytes, ModelProto.Descriptor, options.MaxElements);
            ModelProto model;
            try
            {
                model = Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new ModelFormatException("(file)", "(file): expected a well-formed ONNX protobuf, found " + e.Message.TrimEnd('.') + ".", e);
            }
            var importer = new OnnxImporter(model, options);
            return importer.Run(out metadata);
        }

        private Mlp Run(out Dictionary<string, string> metadata)
        {
            CheckModel(out metadata);
            IndexInitializers();
            for (int i = 0; i < Nodes.Count; i++) CheckNode(i); // first: an unsupported op is the clearest message
            CheckGraphInterface();
            IndexValues();
            CheckAcyclic();
            List<LayerPlan> layers = Walk();
            CheckEverythingUsed();
            return Build(layers);
        }

        // ---- Model and graph interface -------------------------------------------------------------------------------

        private void CheckModel(out Dictionary<string, string> metadata)
        {
            if (!_model.HasIrVersion || _model.IrVersion < 3)
                throw new ModelFormatException("ir_version", "3 or more (ONNX 1.0 and later)", _model.HasIrVersion ? Names.Int(_model.IrVersion) : "none");
            bool found = false;
            for (int i = 0; i < _model.OpsetImport.Count; i++)
            {
                OperatorSetIdProto o = _model.OpsetImport[i];
                if (o.Domain.Length != 0 && o.Domain != "ai.onnx") continue;
                if (found)
                    throw new ModelFormatException($"opset_import[{i}]", "one entry for the default domain (ai.onnx)", "a second one");
                found = true;
                if (o.Version < MinOpset || o.Version > MaxOpset)
                    throw new ModelFormatException($"opset_import[{i}]", $"version {MinOpset}..{MaxOpset} of the default domain (ai.onnx)", Names.Int(o.Version));
                _opset = (int)o.Version;
            }
            if (!found)
                throw new ModelFormatException("opset_import", $"an entry for the default domain (ai.onnx), version {MinOpset}..{MaxOpset}", "none");

            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < _model.MetadataProps.Count; i++)
            {
                StringStringEntryProto kv = _model.MetadataProps[i];
                if (metadata.ContainsKey(kv.Key))
                    throw new ModelFormatException($"metadata_props[{i}]", "each key once", $"key {Names.Quote(kv.Key)} twice");
                metadata.Add(kv.Key, kv.Value);
            }
        }

        private void IndexInitializers()
        {
            if (_graph.SparseInitializer.Count > 0)
                throw new ModelFormatException("graph.sparse_initializer", "none (sparse tensors are not supported)", $"{_graph.SparseInitializer.Count}");
            _initializerUsed = new bool[_graph.Initializer.Count];
            for (int i = 0; i < _graph.Initializer.Count; i++)
            {
                string name = _graph.Initializer[i].Name;
                string field = $"graph.initializer[{i}]";
                if (name.Length == 0)
                    throw new ModelFormatException(field, "a name", "an empty name");
                if (_initializers.ContainsKey(name))
                    throw new ModelFormatException(field, "a name no other initializer has", Names.Quote(name) + " twice");
                _initializers.Add(name, i);
            }
        }

        private void CheckGraphInterface()
        {
            // Older exporters also list the initializers as graph inputs: those are constants, not inputs.
            ValueInfoProto? input = null;
            var names = new List<string>();
            int inputs = 0;
            foreach (ValueInfoProto v in _graph.Input)
            {
                if (_initializers.ContainsKey(v.Name)) continue;
                input ??= v;
                inputs++;
                if (names.Count < 4) names.Add(Names.Quote(v.Name));
                else if (names.Count == 4) names.Add("…");
            }
            if (inputs != 1 || input is null)
                throw new ModelFormatException("graph.input", "exactly one input that is not an initializer (the MLP's [N, F] input)",
                    inputs == 0 ? "none" : $"{inputs}: {string.Join(", ", names)}");
            if (_graph.Output.Count != 1)
            {
                var outs = new List<string>();
                for (int i = 0; i < _graph.Output.Count && i < 4; i++) outs.Add(Names.Quote(_graph.Output[i].Name));
                throw new ModelFormatException("graph.output", "exactly one output", _graph.Output.Count == 0 ? "none" : $"{_graph.Output.Count}: {string.Join(", ", outs)}{(_graph.Output.Count > 4 ? ", …" : "")}");
            }

            _inputName = input.Name;
            string inField = $"graph input {Names.Quote(_inputName)}";
            if (_inputName.Length == 0)
                throw new ModelFormatException("graph.input", "a named input", "an empty name");
            TypeProto.Types.Tensor? tensor = input.Type?.TensorType;
            if (tensor is null)
                throw new ModelFormatException(inField, "a tensor type", input.Type is null ? "no type" : "a non-tensor type (" + input.Type.ValueCase + ")");
            if (!IsFloat(tensor.ElemType))
                throw new ModelFormatException(inField, "element type 1 (float) or 10 (float16; the model then runs in float32)", Names.DataType(tensor.ElemType));
            TensorShapeProto? shape = tensor.Shape;
            if (shape is null)
                throw new ModelFormatException(inField, "a shape [N, F] with a fixed feature dimension F", "no shape");
            if (shape.Dim.Count != 2)
                throw new ModelFormatException(inField, "a shape [N, F] (rank 2)", $"rank {shape.Dim.Count}");
            TensorShapeProto.Types.Dimension features = shape.Dim[1];
            if (features.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
                throw new ModelFormatException(inField, "a fixed feature dimension F (dim_value) in its shape [N, F]",
                    features.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam
                        ? $"the dynamic dimension {Names.Quote(features.DimParam)}" : "an unknown dimension");
            if (features.DimValue < 1 || features.DimValue > _options.MaxUnits)
                throw new ModelFormatException(inField, $"a feature dimension 1..{_options.MaxUnits} (OnnxImportOptions.MaxUnits)", Names.Int(features.DimValue));
            _inputWidth = (int)features.DimValue;

            ValueInfoProto output = _graph.Output[0];
            _outputName = output.Name;
            if (_outputName.Length == 0)
                throw new ModelFormatException("graph.output", "a named output", "an empty name");
            TypeProto.Types.Tensor? outTensor = output.Type?.TensorType;
            if (output.Type != null && outTensor is null)
                throw new ModelFormatException($"graph output {Names.Quote(_outputName)}", "a tensor type", "a non-tensor type (" + output.Type.ValueCase + ")");
            if (outTensor != null && outTensor.ElemType != 0 && !IsFloat(outTensor.ElemType))
                throw new ModelFormatException($"graph output {Names.Quote(_outputName)}", "element type 1 (float) or 10 (float16)", Names.DataType(outTensor.ElemType));
        }

        private static bool IsFloat(int elemType) =>
            elemType == (int)TensorProto.Types.DataType.Float || elemType == (int)TensorProto.Types.DataType.Float16;

        // ---- Nodes ---------------------------------------------------------------------------------------------

        private void CheckNode(int index)
        {
            NodeProto n = Nodes[index];
            string field = Names.Node(n, index);
            if (n.Domain.Length != 0 && n.Domain != "ai.onnx")
                throw new ModelFormatException(field, "an operator of the default domain (ai.onnx)", $"domain {Names.Quote(n.Domain)}");

            int minInputs, maxInputs;
            switch (n.OpType)
            {
                case "Gemm": minInputs = 2; maxInputs = 3; break;
                case "MatMul": case "Add": case "Reshape": minInputs = maxInputs = 2; break;
                case "Relu": case "LeakyRelu": case "Tanh": case "Sigmoid": case "Softmax": case "Identity": case "Flatten": case "Transpose":
                    minInputs = maxInputs = 1; break;
                case "Constant": minInputs = maxInputs = 0; break;
                default: throw new ModelFormatException(field, Supported, Names.Op(n.OpType));
            }
            if (n.Input.Count < minInputs || n.Input.Count > maxInputs)
                throw new ModelFormatException(field, minInputs == maxInputs ? $"{minInputs} inputs" : $"{minInputs} to {maxInputs} inputs", Names.Int(n.Input.Count));
            for (int i = 0; i < minInputs; i++)
                if (n.Input[i].Length == 0)
                    throw new ModelFormatException(field, $"input {i} to be given", "an empty input name");
            if (n.Output.Count != 1)
                throw new ModelFormatException(field, "1 output", Names.Int(n.Output.Count));
            if (n.Output[0].Length == 0)
                throw new ModelFormatException(field, "a named output", "an empty output name");

            CheckAttributes(n, field);
            switch (n.OpType)
            {
                case "Gemm":
                {
                    long transA = Int(n, "transA", 0), transB = Int(n, "transB", 0);
                    if (transA != 0)
                        throw new ModelFormatException(field, "transA = 0 (the data [N, F] as A)", $"transA = {Names.Int(transA)}");
                    if (transB != 0 && transB != 1)
                        throw new ModelFormatException(field, "transB = 0 or 1", $"transB = {Names.Int(transB)}");
                    CheckFinite(n, field, "alpha");
                    CheckFinite(n, field, "beta");
                    break;
                }
                case "LeakyRelu":
                {
                    float alpha = Float(n, "alpha", 0.01f);
                    if (!(Math.Abs(alpha - 0.01f) <= 2e-9f)) // within 2 ulp of 0.01f
                        throw new ModelFormatException(field, "alpha = 0.01 (the runtime's fixed leaky_relu slope, PyTorch's default negative_slope)",
                            $"alpha = {Names.Float(alpha)}");
                    break;
                }
                case "Softmax":
                {
                    long axis = Int(n, "axis", _opset < 13 ? 1 : -1);
                    if (axis != 1 && axis != -1)
                        throw new ModelFormatException(field, "axis = 1 or -1 (softmax over the features of [N, F])", $"axis = {Names.Int(axis)}");
                    break;
                }
                case "Flatten":
                {
                    long axis = Int(n, "axis", 1);
                    if (axis != 1 && axis != -1)
                        throw new ModelFormatException(field, "axis = 1 or -1 (a no-op on [N, F])", $"axis = {Names.Int(axis)}");
                    break;
                }
                case "Reshape":
                {
                    long allowZero = Int(n, "allowzero", 0);
                    if (allowZero != 0 && allowZero != 1)
                        throw new ModelFormatException(field, "allowzero = 0 or 1", $"allowzero = {Names.Int(allowZero)}");
                    break;
                }
                case "Transpose":
                {
                    AttributeProto? perm = Attribute(n, "perm");
                    if (perm != null && !(perm.Ints.Count == 2 && perm.Ints[0] == 1 && perm.Ints[1] == 0))
                        throw new ModelFormatException(field, "perm = [1, 0] (a 2-D transpose)", $"perm = {Names.Shape(ToArray(perm.Ints, 8))}{(perm.Ints.Count > 8 ? "…" : "")}");
                    break;
                }
                case "Constant":
                    if (n.Attribute.Count != 1)
                        throw new ModelFormatException(field, "one attribute (value, value_float, value_floats, value_int or value_ints)", $"{n.Attribute.Count}");
                    break;
            }
        }

        private static long[] ToArray(Google.Protobuf.Collections.RepeatedField<long> values, int max)
        {
            var a = new long[Math.Min(values.Count, max)];
            for (int i = 0; i < a.Length; i++) a[i] = values[i];
            return a;
        }

        /// <summary>Attribute names and types each op accepts; anything else is rejected (it could change the math).</summary>
        private static void CheckAttributes(NodeProto n, string field)
        {
            for (int i = 0; i < n.Attribute.Count; i++)
            {
                AttributeProto a = n.Attribute[i];
                string at = $"{field} attribute {Names.Quote(a.Name)}";
                for (int j = 0; j < i; j++)
                    if (n.Attribute[j].Name == a.Name)
                        throw new ModelFormatException(at, "each attribute once", "it twice");
                if (a.HasRefAttrName)
                    throw new ModelFormatException(at, "a value", $"a reference to the function attribute {Names.Quote(a.RefAttrName)}");
                AttributeProto.Types.AttributeType expected;
                string allowed;
                switch (n.OpType)
                {
                    case "Gemm":
                        allowed = "alpha, beta, transA, transB";
                        expected = a.Name == "alpha" || a.Name == "beta" ? AttributeProto.Types.AttributeType.Float
                            : a.Name == "transA" || a.Name == "transB" ? AttributeProto.Types.AttributeType.Int : AttributeProto.Types.AttributeType.Undefined;
                        break;
                    case "LeakyRelu":
                        allowed = "alpha";
                        expected = a.Name == "alpha" ? AttributeProto.Types.AttributeType.Float : AttributeProto.Types.AttributeType.Undefined;
                        break;
                    case "Softmax": case "Flatten":
                        allowed = "axis";
                        expected = a.Name == "axis" ? AttributeProto.Types.AttributeType.Int : AttributeProto.Types.AttributeType.Undefined;
                        break;
                    case "Reshape":
                        allowed = "allowzero";
                        expected = a.Name == "allowzero" ? AttributeProto.Types.AttributeType.Int : AttributeProto.Types.AttributeType.Undefined;
                        break;
                    case "Transpose":
                        allowed = "perm";
                        expected = a.Name == "perm" ? AttributeProto.Types.AttributeType.Ints : AttributeProto.Types.AttributeType.Undefined;
                        break;
                    case "Constant":
                        allowed = "value, value_float, value_floats, value_int, value_ints";
                        switch (a.Name)
                        {
                            case "value": expected = AttributeProto.Types.AttributeType.Tensor; break;
                            case "value_float": expected = AttributeProto.Types.AttributeType.Float; break;
                            case "value_floats": expected = AttributeProto.Types.AttributeType.Floats; break;
                            case "value_int": expected = AttributeProto.Types.AttributeType.Int; break;
                            case "value_ints": expected = AttributeProto.Types.AttributeType.Ints; break;
                            default: expected = AttributeProto.Types.AttributeType.Undefined; break;
                        }
                        break;
                    default:
                        allowed = "none";
                        expected = AttributeProto.Types.AttributeType.Undefined;
                        break;
                }
                if (expected == AttributeProto.Types.AttributeType.Undefined)
                    throw new ModelFormatException(at, $"only the attributes {n.OpType} supports here ({allowed})", "an attribute it does not know");
                if (a.Type != expected)
                    throw new ModelFormatException(at, $"type {expected.ToString().ToUpperInvariant()}", a.Type.ToString().ToUpperInvariant());
                if (expected == AttributeProto.Types.AttributeType.Tensor && a.T is null)
                    throw new ModelFormatException(at, "a tensor", "none");
            }
        }

        private static AttributeProto? Attribute(NodeProto n, string name)
        {
            foreach (AttributeProto a in n.Attribute)
                if (a.Name == name) return a;
            return null;
        }

        private static long Int(NodeProto n, string name, long fallback) => Attribute(n, name)?.I ?? fallback;

        private static float Float(NodeProto n, string name, float fallback) => Attribute(n, name)?.F ?? fallback;

        private static void CheckFinite(NodeProto n, string field, string name)
        {
            float v = Float(n, name, 1f);
            if (float.IsNaN(v) || float.IsInfinity(v))
                throw new ModelFormatException(field, $"a finite {name}", $"{name} = {Names.Float(v)}");
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

        // ---- Constants ------------------------------------------------------------------------------------------------

        /// <summary>
        /// Input <paramref name="slot"/> of node <paramref name="index"/> as a constant: an initializer or a Constant node's
        /// value, possibly seen through Identity nodes (PyTorch shares equal initializers that way) and Transpose
        /// nodes (of 2-D constants). Shape, type and data length are checked against the limits.
        /// </summary>
        private ConstTensor Constant(int index, int slot, string role, bool floating, int maxRank)
        {
            NodeProto n = Nodes[index];
            string name = n.Input[slot];
            string field = $"{Names.Node(n, index)} input {role} {Names.Quote(name)}";
            var through = new List<int>();
            bool transposed = false;
            // The graph is acyclic (checked), so this ends; the count bound is a second guard.
            while (through.Count < Nodes.Count && _producer.TryGetValue(name, out int p) && (Nodes[p].OpType == "Identity" || Nodes[p].OpType == "Transpose"))
            {
                through.Add(p);
                if (Nodes[p].OpType == "Transpose") transposed = !transposed;
                name = Nodes[p].Input[0];
            }
            string via = through.Count == 0 ? "" : $" through {Names.Node(Nodes[through[0]], through[0])}{(through.Count > 1 ? $" and {through.Count - 1} more" : "")}";
            TensorProto tensor = Source(field, name, via, out string description);
            description += via;
            long maxDim = floating ? _options.MaxUnits : 64;
            long maxCount = floating ? _options.MaxParameters : 64;
            string limit = floating ? "OnnxImportOptions.MaxUnits, MaxParameters" : "a shape";
            ConstTensor c = ConstTensor.Check(field, description, tensor, floating, maxRank, maxDim, maxCount, limit);
            foreach (int p in through)
            {
                if (Nodes[p].OpType == "Transpose" && c.Dims.Length != 2)
                    throw new ModelFormatException(field, "a Transpose of a 2-D constant", $"{description} of shape {Names.Shape(c.Dims)}");
                _constUsed[p] = true;
            }
            return transposed ? c.AsTransposed(description) : c;
        }

        private TensorProto Source(string field, string name, string via, out string description)
        {
            if (_initializers.TryGetValue(name, out int i))
            {
                _initializerUsed[i] = true;
                description = $"initializer {Names.Quote(name)}";
                return _graph.Initializer[i];
            }
            const string expected = "a constant: an initializer or a Constant node's value";
            if (_producer.TryGetValue(name, out int p))
            {
                NodeProto pn = Nodes[p];
                if (pn.OpType == "Constant")
                {
                    _constUsed[p] = true;
                    description = $"the value of {Names.Node(pn, p)}";
                    return ConstantValue(p);
                }
                throw new ModelFormatException(field, expected, $"the output of {Names.Node(pn, p)}{via}");
            }
            if (name == _inputName)
                throw new ModelFormatException(field, expected, $"the graph input{via}");
            throw new ModelFormatException(field, expected, $"no value named {Names.Quote(name)}{via} (a missing initializer)");
        }

        private TensorProto ConstantValue(int index)
        {
            if (_constantValues.TryGetValue(index, out TensorProto? cached)) return cached;
            AttributeProto a = Nodes[index].Attribute[0]; // exactly one, of a checked name and type
            TensorProto t;
            switch (a.Name)
            {
                case "value": t = a.T; break;
                case "value_float": t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, FloatData = { a.F } }; break;
                case "value_floats":
                    t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, Dims = { (long)a.Floats.Count } };
                    t.FloatData.Add(a.Floats);
                    break;
                case "value_int": t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { a.I } }; break;
                default: // value_ints
                    t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Dims = { (long)a.Ints.Count } };
                    t.Int64Data.Add(a.Ints);
                    break;
            }
            _constantValues.Add(index, t);
            return t;
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

        // ---- Build -------------------------------------------------------------------------------------------------

        private Mlp Build(List<LayerPlan> layers)
        {
            var specs = new LayerSpec[layers.Count];
            for (int l = 0; l < specs.Length; l++)
                specs[l] = new LayerSpec(layers[l].Units, layers[l].Activation, layers[l].Biases.Count > 0);
            var model = new Mlp(_inputWidth, specs, 0);
            bool finiteOnly = !_options.AllowNonFinite;
            for (int l = 0; l < specs.Length; l++)
            {
                LayerPlan p = layers[l];
                Span<float> w = model.GetWeights(l);
                int units = p.Units, inputs = p.Inputs;
                for (int o = 0; o < units; o++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        long k = p.StoredOutIn ? (long)o * inputs + i : (long)i * units + o;
                        float v = p.Weight.Float(k);
                        if (p.Scale != 1f) v *= p.Scale;
                        if (finiteOnly && (float.IsNaN(v) || float.IsInfinity(v)))
                            throw NonFinite(p.Field, p.Weight, k, v, p.Scale != 1f ? " (after multiplying by alpha)" : "");
                        w[o * inputs + i] = v;
                    }
                }
                if (p.Biases.Count == 0) continue;
                Span<float> b = model.GetBias(l);
                for (int o = 0; o < units; o++)
                {
                    float sum = 0f;
                    for (int t = 0; t < p.Biases.Count; t++)
                    {
                        BiasTerm term = p.Biases[t];
                        long k = term.Value.Count == 1 ? 0 : o;
                        float v = term.Value.Float(k);
                        if (term.Scale != 1f) v *= term.Scale;
                        sum = t == 0 ? v : sum + v; // one term: its bits exactly (−0 stays −0)
                        if (finiteOnly && (float.IsNaN(sum) || float.IsInfinity(sum)))
                            throw NonFinite(term.Field, term.Value, k, sum, term.Scale != 1f || t > 0 ? " (after scaling and adding the bias terms)" : "");
                    }
                    b[o] = sum;
                }
            }
            return model;
        }

        private static ModelFormatException NonFinite(string field, ConstTensor tensor, long k, float v, string how) =>
            new ModelFormatException(field, $"finite values in {tensor} (OnnxImportOptions.AllowNonFinite)", $"{Names.Float(v)} at element {Names.Int(k)}{how}");
    }
}
