using System;
using System.Collections.Generic;
using Google.Protobuf;
using Onnx;

namespace EmbeddedMlp.Onnx.Tests
{
    /// <summary>Builds ONNX ModelProtos by hand in the tests, with the generated classes (any form, valid or not).</summary>
    internal sealed class OnnxGraph
    {
        public OnnxGraph(int features, int opset = 13, string input = "x", string output = "y", int outputs = -1,
            TensorProto.Types.DataType elemType = TensorProto.Types.DataType.Float)
        {
            Model = new ModelProto { IrVersion = opset <= 14 ? 7 : 8, ProducerName = "tests", Graph = new GraphProto { Name = "g" } };
            Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
            Graph.Input.Add(Value(input, elemType, Dim("N"), Dim(features)));
            Graph.Output.Add(outputs > 0 ? Value(output, elemType, Dim("N"), Dim(outputs)) : Value(output, elemType, Dim("N"), new TensorShapeProto.Types.Dimension()));
        }

        public ModelProto Model { get; }
        public GraphProto Graph => Model.Graph;

        public byte[] Bytes() => Model.ToByteArray();

        public static TensorShapeProto.Types.Dimension Dim(long value) => new TensorShapeProto.Types.Dimension { DimValue = value };
        public static TensorShapeProto.Types.Dimension Dim(string param) => new TensorShapeProto.Types.Dimension { DimParam = param };

        public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params TensorShapeProto.Types.Dimension[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(dims);
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
            };
        }

        /// <summary>Adds a node; returns its output name.</summary>
        public string Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
        {
            var n = new NodeProto { OpType = op, Name = op.ToLowerInvariant() + "_" + Graph.Node.Count };
            n.Input.Add(inputs);
            n.Output.Add(output);
            n.Attribute.Add(attributes);
            Graph.Node.Add(n);
            return output;
        }

        public static AttributeProto F(string name, float value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

        public static AttributeProto I(string name, long value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

        public static AttributeProto Ints(string name, params long[] values)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.Add(values);
            return a;
        }

        public static AttributeProto Floats(string name, params float[] values)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
            a.Floats.Add(values);
            return a;
        }

        public static AttributeProto T(string name, TensorProto value) =>
            new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

        /// <summary>An f32 tensor with little-endian raw_data.</summary>
        public static TensorProto RawF32(string name, float[] values, params long[] dims)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), values[i]);
            var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
            t.Dims.Add(dims);
            return t;
        }

        /// <summary>An f32 tensor with float_data.</summary>
        public static TensorProto FloatData(string name, float[] values, params long[] dims)
        {
            var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            t.FloatData.Add(values);
            t.Dims.Add(dims);
            return t;
        }

        /// <summary>An f16 tensor (the halves of <paramref name="halves"/>) with raw_data, or in int32_data.</summary>
        public static TensorProto F16(string name, ushort[] halves, bool raw, params long[] dims)
        {
            var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float16 };
            if (raw)
            {
                var bytes = new byte[halves.Length * 2];
                for (int i = 0; i < halves.Length; i++) { bytes[2 * i] = (byte)halves[i]; bytes[2 * i + 1] = (byte)(halves[i] >> 8); }
                t.RawData = ByteString.CopyFrom(bytes);
            }
            else
            {
                foreach (ushort h in halves) t.Int32Data.Add(h);
            }
            t.Dims.Add(dims);
            return t;
        }

        /// <summary>An int64 tensor with raw_data or int64_data.</summary>
        public static TensorProto Int64(string name, long[] values, bool raw, params long[] dims)
        {
            var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
            if (raw)
            {
                var bytes = new byte[values.Length * 8];
                for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(8 * i), values[i]);
                t.RawData = ByteString.CopyFrom(bytes);
            }
            else
            {
                t.Int64Data.Add(values);
            }
            t.Dims.Add(dims);
            return t;
        }

        /// <summary>Adds an initializer; returns its name.</summary>
        public string Init(TensorProto t)
        {
            Graph.Initializer.Add(t);
            return t.Name;
        }

        public string Init(string name, float[] values, params long[] dims) => Init(RawF32(name, values, dims));
    }

    /// <summary>Deterministic test data and a double-precision reference of the math.</summary>
    internal static class Reference
    {
        public static float[] Values(Random rng, int count, double scale = 1.0)
        {
            var v = new float[count];
            for (int i = 0; i < count; i++) v[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
            return v;
        }

        /// <summary>The transpose of a row-major [rows, cols] matrix.</summary>
        public static float[] Transpose(float[] m, int rows, int cols)
        {
            var t = new float[m.Length];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    t[c * rows + r] = m[r * cols + c];
            return t;
        }

        /// <summary>y = act(x·Wᵀ·scale + b) in double for [rows, in] x and W [out, in].</summary>
        public static double[] Dense(double[] x, int rows, int inputs, float[] w, int units, Func<int, double>? bias, Activation act, double scale = 1.0)
        {
            var y = new double[rows * units];
            for (int r = 0; r < rows; r++)
            {
                for (int o = 0; o < units; o++)
                {
                    double z = 0;
                    for (int i = 0; i < inputs; i++) z += x[r * inputs + i] * w[o * inputs + i];
                    z *= scale;
                    if (bias != null) z += bias(o);
                    y[r * units + o] = z;
                }
                Activate(y.AsSpan(r * units, units), act);
            }
            return y;
        }

        public static void Activate(Span<double> row, Activation act)
        {
            switch (act)
            {
                case Activation.Relu: for (int i = 0; i < row.Length; i++) row[i] = row[i] > 0 ? row[i] : 0; break;
                case Activation.LeakyRelu: for (int i = 0; i < row.Length; i++) row[i] = row[i] > 0 ? row[i] : 0.01 * row[i]; break;
                case Activation.Tanh: for (int i = 0; i < row.Length; i++) row[i] = Math.Tanh(row[i]); break;
                case Activation.Sigmoid: for (int i = 0; i < row.Length; i++) row[i] = 1 / (1 + Math.Exp(-row[i])); break;
                case Activation.Softmax:
                {
                    double max = double.NegativeInfinity, sum = 0;
                    foreach (double v in row) max = Math.Max(max, v);
                    for (int i = 0; i < row.Length; i++) { row[i] = Math.Exp(row[i] - max); sum += row[i]; }
                    for (int i = 0; i < row.Length; i++) row[i] /= sum;
                    break;
                }
            }
        }

        /// <summary>The reference output of a whole model, from its own parameters.</summary>
        public static double[] Forward(Mlp model, float[] x)
        {
            int rows = x.Length / model.InputCount;
            double[] h = Array.ConvertAll(x, v => (double)v);
            int width = model.InputCount;
            for (int l = 0; l < model.LayerCount; l++)
            {
                LayerSpec spec = model.Layers[l];
                float[] b = model.GetBias(l).ToArray();
                h = Dense(h, rows, width, model.GetWeights(l).ToArray(), spec.Units, spec.HasBias ? o => b[o] : null, spec.Activation);
                width = spec.Units;
            }
            return h;
        }

        public static float[] Predict(Mlp model, float[] x)
        {
            var y = new float[x.Length / model.InputCount * model.OutputCount];
            model.Predict(x, y);
            return y;
        }

        /// <summary>Failures (empty when all match) of <paramref name="actual"/> against <paramref name="expected"/> within rel·|e| + abs.</summary>
        public static List<string> Compare(IReadOnlyList<float> actual, IReadOnlyList<double> expected, double rel = 1e-5, double abs = 1e-6)
        {
            var failures = new List<string>();
            if (actual.Count != expected.Count)
            {
                failures.Add($"length {actual.Count}, expected {expected.Count}");
                return failures;
            }
            for (int i = 0; i < actual.Count && failures.Count < 10; i++)
                if (!(Math.Abs(actual[i] - expected[i]) <= rel * Math.Abs(expected[i]) + abs))
                    failures.Add($"[{i}]: {actual[i]:R}, expected {expected[i]:R}");
            return failures;
        }
    }
}
