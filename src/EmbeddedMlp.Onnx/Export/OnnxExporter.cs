using System;
using System.Collections.Generic;
using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace EmbeddedMlp.Onnx.Export
{
    /// <summary>
    /// Writes an <see cref="Mlp"/> as an ONNX ModelProto: per layer one Gemm (transB = 1, the weights [units, fan_in]
    /// exactly as the runtime stores them, the bias as input C when the layer has one) and its activation node.
    /// </summary>
    internal static class OnnxExporter
    {
        /// <summary>Written as producer_name.</summary>
        public const string ProducerName = "EmbeddedMlp";

        /// <summary>
        /// The IR version released with each opset (ONNX's versioning table): ONNX 1.8 (opset 13) and 1.9 (14) are IR 7,
        /// 1.10 to 1.12 (15 to 17) are IR 8. The lowest IR version that carries the opset, so older runtimes read the file.
        /// </summary>
        public static long IrVersionFor(int opset) => opset <= 14 ? 7 : 8;

        public static byte[] Export(Mlp model, OnnxExportOptions options)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            string input = options.InputName, output = options.OutputName;
            if (input == output)
                throw new ArgumentException($"OutputName: expected a name other than the input's, found \"{output}\" for both.", nameof(options));
            if (options.Metadata != null)
                foreach (KeyValuePair<string, string> kv in options.Metadata)
                    if (kv.Key is null || kv.Value is null)
                        throw new ArgumentException($"Metadata: expected non-null keys and values, found a null {(kv.Key is null ? "key" : "value for key \"" + kv.Key + "\"")}.", nameof(options));

            var graph = new GraphProto { Name = "EmbeddedMlp" };
            graph.Input.Add(Value(input, model.InputCount));
            graph.Output.Add(Value(output, model.OutputCount));

            var used = new HashSet<string>(StringComparer.Ordinal) { input, output };
            string data = input;
            for (int l = 0; l < model.LayerCount; l++)
            {
                LayerLayout layout = model.GetLayout(l);
                bool last = l == model.LayerCount - 1;
                string prefix = "layers." + l.ToString(CultureInfo.InvariantCulture);
                string weight = Fresh(used, prefix + ".weight");
                graph.Initializer.Add(Tensor(weight, model.GetWeights(l), layout.Units, layout.FanIn));
                var gemm = new NodeProto { Name = Fresh(used, prefix + ".gemm"), OpType = "Gemm" };
                gemm.Input.Add(data);
                gemm.Input.Add(weight);
                if (layout.HasBias)
                {
                    string bias = Fresh(used, prefix + ".bias");
                    graph.Initializer.Add(Tensor(bias, model.GetBias(l), layout.Units, -1));
                    gemm.Input.Add(bias);
                }
                gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                bool identity = layout.Activation == Activation.Identity;
                data = last && identity ? output : Fresh(used, prefix + ".linear");
                gemm.Output.Add(data);
                graph.Node.Add(gemm);
                if (identity) continue;

                var act = new NodeProto { Name = Fresh(used, prefix + "." + layout.Activation.ToName()), OpType = OpType(layout.Activation) };
                if (layout.Activation == Activation.LeakyRelu)
                    act.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 0.01f });
                if (layout.Activation == Activation.Softmax) // axis 1 of [N, F]: the same under opset < 13 and ≥ 13 semantics
                    act.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                act.Input.Add(data);
                data = last ? output : Fresh(used, prefix + ".act");
                act.Output.Add(data);
                graph.Node.Add(act);
            }

            var proto = new ModelProto
            {
                IrVersion = IrVersionFor(options.Opset),
                ProducerName = ProducerName,
                ProducerVersion = ProducerVersion,
                Graph = graph,
            };
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
            if (options.Metadata != null)
            {
                var keys = new List<string>(options.Metadata.Keys);
                keys.Sort(StringComparer.Ordinal);
                foreach (string key in keys)
                    proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = options.Metadata[key] });
            }
            return proto.ToByteArray();
        }

        private static readonly string ProducerVersion =
            typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        /// <summary><paramref name="name"/>, or with a suffix if the input or output name (or another name) took it.</summary>
        private static string Fresh(HashSet<string> used, string name)
        {
            string candidate = name;
            for (int i = 1; !used.Add(candidate); i++) candidate = name + "_" + i.ToString(CultureInfo.InvariantCulture);
            return candidate;
        }

        private static string OpType(Activation a)
        {
            switch (a)
            {
                case Activation.Relu: return "Relu";
                case Activation.LeakyRelu: return "LeakyRelu";
                case Activation.Tanh: return "Tanh";
                case Activation.Sigmoid: return "Sigmoid";
                case Activation.Softmax: return "Softmax";
                default: throw new ArgumentOutOfRangeException(nameof(a), a, "activation: expected one with an ONNX operator.");
            }
        }

        /// <summary>A float tensor [batch, width] value: the batch is the dynamic dimension "batch".</summary>
        private static ValueInfoProto Value(string name, int width)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            };
        }

        /// <summary>An f32 initializer [rows, cols] (or [rows] when cols &lt; 0) with little-endian raw_data.</summary>
        private static TensorProto Tensor(string name, Span<float> values, int rows, int cols)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                int bits = BitConverter.SingleToInt32Bits(values[i]);
                bytes[4 * i] = (byte)bits;
                bytes[4 * i + 1] = (byte)(bits >> 8);
                bytes[4 * i + 2] = (byte)(bits >> 16);
                bytes[4 * i + 3] = (byte)(bits >> 24);
            }
            var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
            t.Dims.Add(rows);
            if (cols >= 0) t.Dims.Add(cols);
            return t;
        }
    }
}
