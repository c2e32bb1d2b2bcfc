using System.Globalization;
using System.Text;
using Onnx;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>How error messages name nodes, values and tensors of an untrusted file: short, printable, quoted.</summary>
    internal static class Names
    {
        private const int MaxLength = 64;

        /// <summary><paramref name="text"/> quoted, control characters replaced, cut after 64 characters.</summary>
        public static string Quote(string? text)
        {
            text ??= "";
            var sb = new StringBuilder(text.Length > MaxLength ? MaxLength + 3 : text.Length + 2);
            sb.Append('\'');
            for (int i = 0; i < text.Length && i < MaxLength; i++)
            {
                char c = text[i];
                sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
            }
            if (text.Length > MaxLength) sb.Append('…');
            sb.Append('\'');
            return sb.ToString();
        }

        /// <summary>An op type as printed in messages: like <see cref="Quote"/> without the quotes.</summary>
        public static string Op(string? op)
        {
            string q = Quote(op);
            return q.Substring(1, q.Length - 2);
        }

        /// <summary><c>node 3 'fc1' (Gemm)</c>, or <c>node 3 (Gemm)</c> for a node without a name.</summary>
        public static string Node(NodeProto node, int index)
        {
            string i = index.ToString(CultureInfo.InvariantCulture);
            return string.IsNullOrEmpty(node.Name) ? $"node {i} ({Op(node.OpType)})" : $"node {i} {Quote(node.Name)} ({Op(node.OpType)})";
        }

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary><c>[64, 8]</c>.</summary>
        public static string Shape(long[] dims)
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < dims.Length; i++)
            {
                if (i > 0) sb.Append(", ");
                sb.Append(Int(dims[i]));
            }
            return sb.Append(']').ToString();
        }

        /// <summary>The ONNX name of a tensor element type: <c>1 (float)</c>.</summary>
        public static string DataType(int type)
        {
            string name;
            switch (type)
            {
                case 0: name = "undefined"; break;
                case 1: name = "float"; break;
                case 2: name = "uint8"; break;
                case 3: name = "int8"; break;
                case 4: name = "uint16"; break;
                case 5: name = "int16"; break;
                case 6: name = "int32"; break;
                case 7: name = "int64"; break;
                case 8: name = "string"; break;
                case 9: name = "bool"; break;
                case 10: name = "float16"; break;
                case 11: name = "double"; break;
                case 12: name = "uint32"; break;
                case 13: name = "uint64"; break;
                case 14: name = "complex64"; break;
                case 15: name = "complex128"; break;
                case 16: name = "bfloat16"; break;
                default: name = "unknown"; break;
            }
            return $"{Int(type)} ({name})";
        }
    }
}
