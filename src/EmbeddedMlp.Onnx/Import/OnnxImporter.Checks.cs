using System;
using System.Collections.Generic;
using EmbeddedMlp.Serialization;
using Onnx;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// The validation part of the import: the model header, the initializers, the graph interface, and each node's op type,
    /// inputs and attributes.
    /// </summary>
    internal sealed partial class OnnxImporter
    {
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
    }
}
