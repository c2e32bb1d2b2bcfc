using System;
using System.Runtime.InteropServices;
using EmbeddedMlp.Serialization;
using Onnx;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// A constant operand (an initializer, a Constant node's value, or either seen through a Transpose node) whose
    /// shape, type and data length have been checked against the limits: its elements can be read without any
    /// further allocation.
    /// </summary>
    internal sealed class ConstTensor
    {
        private enum Source { Raw, FloatData, Int32Data, Int64Data }

        private readonly Source _source;
        private readonly byte[] _raw = Array.Empty<byte>();
        private readonly int _rawOffset;
        private readonly TensorProto _tensor;

        private ConstTensor(string description, TensorProto tensor, long[] dims, long count, Source source)
        {
            Description = description;
            _tensor = tensor;
            Dims = dims;
            Count = count;
            _source = source;
            DataType = tensor.DataType;
            if (source == Source.Raw)
            {
                ReadOnlyMemory<byte> memory = tensor.RawData.Memory;
                if (MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Array != null)
                {
                    _raw = segment.Array;
                    _rawOffset = segment.Offset;
                }
                else
                {
                    _raw = tensor.RawData.ToByteArray();
                }
            }
        }

        /// <summary>What messages call it: <c>initializer 'fc.weight'</c>, <c>the value of node 2 'c' (Constant)</c>.</summary>
        public string Description { get; private set; }

        /// <summary>Dimensions as stored (before any <see cref="Transposed"/>).</summary>
        public long[] Dims { get; }

        /// <summary>Element count, the product of <see cref="Dims"/>.</summary>
        public long Count { get; }

        /// <summary>ONNX element type (1 float, 7 int64, 10 float16).</summary>
        public int DataType { get; }

        /// <summary>Seen through a Transpose node (perm [1, 0]): the operand is this tensor transposed.</summary>
        public bool Transposed { get; private set; }

        /// <summary>A copy that reads as the transpose of this 2-D tensor.</summary>
        public ConstTensor AsTransposed(string description)
        {
            var t = (ConstTensor)MemberwiseClone();
            t.Transposed = !Transposed;
            t.Description = description;
            return t;
        }

        /// <inheritdoc />
        public override string ToString() => Description;

        /// <summary>Element <paramref name="k"/> (row-major over <see cref="Dims"/>) of a float or float16 tensor, exactly.</summary>
        public float Float(long k)
        {
            switch (_source)
            {
                case Source.Raw:
                    if (DataType == (int)TensorProto.Types.DataType.Float16)
                    {
                        int h = _rawOffset + (int)k * 2;
                        return HalfPrecision.FromHalfBits((ushort)(_raw[h] | _raw[h + 1] << 8));
                    }
                    int f = _rawOffset + (int)k * 4;
                    return BitConverter.Int32BitsToSingle(_raw[f] | _raw[f + 1] << 8 | _raw[f + 2] << 16 | _raw[f + 3] << 24);
                case Source.FloatData:
                    return _tensor.FloatData[(int)k];
                default: // Int32Data: float16 bit patterns
                    return HalfPrecision.FromHalfBits((ushort)_tensor.Int32Data[(int)k]);
            }
        }

        /// <summary>Element <paramref name="k"/> of an int64 tensor.</summary>
        public long Int64(long k)
        {
            if (_source == Source.Int64Data) return _tensor.Int64Data[(int)k];
            int o = _rawOffset + (int)k * 8;
            uint lo = (uint)(_raw[o] | _raw[o + 1] << 8 | _raw[o + 2] << 16 | _raw[o + 3] << 24);
            uint hi = (uint)(_raw[o + 4] | _raw[o + 5] << 8 | _raw[o + 6] << 16 | _raw[o + 7] << 24);
            return (long)((ulong)hi << 32 | lo);
        }

        /// <summary>
        /// Checks a tensor's location, type, shape and data length before anything is read or allocated, and returns a
        /// reader over it. <paramref name="field"/> prefixes every message (the node and its input).
        /// </summary>
        /// <param name="field">The node and input, e.g. <c>node 2 'fc' (Gemm) input B 'fc.weight'</c>.</param>
        /// <param name="description">How to name the tensor, e.g. <c>initializer 'fc.weight'</c>.</param>
        /// <param name="tensor">The tensor.</param>
        /// <param name="floating">True: float or float16 (weights, biases); false: int64 (shapes).</param>
        /// <param name="maxRank">Highest rank accepted.</param>
        /// <param name="maxDim">Largest dimension accepted.</param>
        /// <param name="maxCount">Most elements accepted.</param>
        /// <param name="limitName">The option that <paramref name="maxDim"/> comes from, for messages.</param>
        public static ConstTensor Check(string field, string description, TensorProto tensor, bool floating, int maxRank, long maxDim,
            long maxCount, string limitName)
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
                throw new ModelFormatException(field, $"{description} stored in the file (data_location = DEFAULT)",
                    "external data (data_location = EXTERNAL): save the model with every tensor inside the .onnx file");
            if (tensor.Segment != null)
                throw new ModelFormatException(field, $"{description} in one piece", "a segment of a tensor (TensorProto.segment)");

            int type = tensor.DataType;
            bool half = type == (int)TensorProto.Types.DataType.Float16;
            if (floating ? type != (int)TensorProto.Types.DataType.Float && !half : type != (int)TensorProto.Types.DataType.Int64)
                throw new ModelFormatException(field, floating ? $"{description} of data_type 1 (float) or 10 (float16)" : $"{description} of data_type 7 (int64)",
                    "data_type " + Names.DataType(type));

            if (tensor.Dims.Count > maxRank)
                throw new ModelFormatException(field, $"{description} of rank at most {maxRank}", $"rank {tensor.Dims.Count}");
            var dims = new long[tensor.Dims.Count];
            long count = 1;
            for (int i = 0; i < dims.Length; i++)
            {
                long d = tensor.Dims[i];
                if (d < 0 || d > maxDim)
                    throw new ModelFormatException(field, $"{description} with dimensions 0..{maxDim} ({limitName})", $"dims[{i}] = {Names.Int(d)}");
                dims[i] = d;
                count *= d; // ≤ maxDim^maxRank: at most 2^32 for the limits used, no overflow
                if (count > maxCount)
                    throw new ModelFormatException(field, $"{description} of at most {maxCount} elements ({limitName})", $"more, dims {ShapeOf(tensor)}");
            }

            int elementSize = floating ? (half ? 2 : 4) : 8;
            bool raw = tensor.HasRawData;
            int typed = tensor.FloatData.Count + tensor.Int32Data.Count + tensor.Int64Data.Count + tensor.DoubleData.Count +
                        tensor.Uint64Data.Count + tensor.StringData.Count;
            Source source;
            if (raw)
            {
                if (typed > 0)
                    throw new ModelFormatException(field, $"{description} with its data in raw_data or in a typed field", "both");
                if (tensor.RawData.Length != count * elementSize)
                    throw new ModelFormatException(field, $"{description} with {Names.Int(count * elementSize)} bytes of raw_data ({Names.Shape(dims)} × {elementSize} bytes)",
                        $"{Names.Int(tensor.RawData.Length)} bytes");
                source = Source.Raw;
            }
            else
            {
                string fieldName;
                int present;
                if (!floating) { source = Source.Int64Data; fieldName = "int64_data"; present = tensor.Int64Data.Count; }
                else if (half) { source = Source.Int32Data; fieldName = "int32_data"; present = tensor.Int32Data.Count; }
                else { source = Source.FloatData; fieldName = "float_data"; present = tensor.FloatData.Count; }
                if (present != typed)
                    throw new ModelFormatException(field, $"{description} with its data in raw_data or {fieldName} only", "values in another typed field");
                if (present != count)
                    throw new ModelFormatException(field, $"{description} with {Names.Int(count)} values in {fieldName} ({Names.Shape(dims)})", Names.Int(present));
                if (half)
                {
                    foreach (int bits in tensor.Int32Data)
                        if (bits < 0 || bits > 0xFFFF)
                            throw new ModelFormatException(field, $"{description} with float16 bit patterns 0..65535 in int32_data", Names.Int(bits));
                }
            }
            return new ConstTensor(description, tensor, dims, count, source);
        }

        private static string ShapeOf(TensorProto tensor)
        {
            var dims = new long[Math.Min(tensor.Dims.Count, 8)];
            for (int i = 0; i < dims.Length; i++) dims[i] = tensor.Dims[i];
            return Names.Shape(dims) + (tensor.Dims.Count > 8 ? "…" : "");
        }
    }
}
