using System.Collections.Generic;
using EmbeddedMlp.Serialization;
using Onnx;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// The constant part of the import: resolves a node input to an initializer or a Constant node's value, through
    /// Identity and Transpose nodes.
    /// </summary>
    internal sealed partial class OnnxImporter
    {
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
    }
}
