using System.Globalization;
using EmbeddedMlp.Serialization;
using Google.Protobuf.Reflection;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// Walks the protobuf wire format of a file against the ONNX schema before Google.Protobuf parses it, allocating
    /// nothing, and counts what the parse would create: messages, strings, byte strings, integer values of repeated
    /// fields and unknown fields. A 2-byte empty message becomes an object of a few hundred bytes, so the byte limit
    /// alone does not bound the parse's memory; this count does (<see cref="OnnxImportOptions.MaxElements"/>).
    /// Also rejects what ONNX never uses (groups) and nesting deeper than the parser's recursion limit.
    /// </summary>
    internal static class WireScan
    {
        /// <summary>Google.Protobuf's default recursion limit (CodedInputStream.DefaultRecursionLimit).</summary>
        public const int MaxDepth = 100;

        private const string Field = "(file)";

        public static void Check(byte[] data, MessageDescriptor root, int maxElements)
        {
            long elements = 0;
            Scan(data, 0, data.Length, root, 0, maxElements, ref elements);
        }

        private static void Scan(byte[] data, int start, int end, MessageDescriptor? type, int depth, int maxElements, ref long elements)
        {
            if (depth > MaxDepth)
                throw new ModelFormatException(Field, $"messages nested at most {MaxDepth} deep", $"deeper nesting at byte {start}");
            int pos = start;
            while (pos < end)
            {
                int tagAt = pos;
                ulong tag = ReadVarint(data, ref pos, end);
                int number = (int)(tag >> 3);
                int wire = (int)(tag & 7);
                if (tag > uint.MaxValue || number == 0)
                    throw Malformed($"field tag {tag} at byte {tagAt}");
                FieldDescriptor? field = type?.FindFieldByNumber(number);
                switch (wire)
                {
                    case 0: // varint
                        ReadVarint(data, ref pos, end);
                        if (field is null || field.IsRepeated || !IsVarint(field.FieldType)) Count(ref elements, 1, maxElements, tagAt);
                        break;
                    case 1: // 64-bit
                        Skip(ref pos, 8, end, tagAt);
                        if (field is null || !IsFixed(field.FieldType)) Count(ref elements, 1, maxElements, tagAt);
                        break;
                    case 5: // 32-bit
                        Skip(ref pos, 4, end, tagAt);
                        if (field is null || !IsFixed(field.FieldType)) Count(ref elements, 1, maxElements, tagAt);
                        break;
                    case 2: // length-delimited
                    {
                        ulong length = ReadVarint(data, ref pos, end);
                        if (length > (ulong)(end - pos))
                            throw Malformed($"a field of {length} bytes at byte {tagAt} with {end - pos} bytes left");
                        int bodyEnd = pos + (int)length;
                        if (field != null && field.FieldType == FieldType.Message)
                        {
                            Count(ref elements, 1, maxElements, tagAt);
                            Scan(data, pos, bodyEnd, field.MessageType, depth + 1, maxElements, ref elements);
                        }
                        else if (field != null && field.IsRepeated && IsVarint(field.FieldType))
                        {
                            // Packed varints: one value per byte without the continuation bit.
                            long values = 0;
                            for (int i = pos; i < bodyEnd; i++)
                                if (data[i] < 0x80) values++;
                            Count(ref elements, values + 1, maxElements, tagAt);
                        }
                        else if (field != null && field.IsRepeated && IsFixed(field.FieldType))
                        {
                            // Packed floats and doubles: no more memory than their bytes; not counted.
                        }
                        else
                        {
                            Count(ref elements, 1, maxElements, tagAt); // a string, byte string or unknown field
                        }
                        pos = bodyEnd;
                        break;
                    }
                    default: // 3, 4: groups (deprecated, never used by ONNX); 6, 7: invalid
                        throw Malformed($"wire type {wire} (field {number}) at byte {tagAt}");
                }
            }
        }

        private static bool IsVarint(FieldType t) =>
            t == FieldType.Int32 || t == FieldType.Int64 || t == FieldType.UInt32 || t == FieldType.UInt64 || t == FieldType.SInt32 ||
            t == FieldType.SInt64 || t == FieldType.Bool || t == FieldType.Enum;

        private static bool IsFixed(FieldType t) =>
            t == FieldType.Float || t == FieldType.Double || t == FieldType.Fixed32 || t == FieldType.Fixed64 ||
            t == FieldType.SFixed32 || t == FieldType.SFixed64;

        private static void Count(ref long elements, long add, int max, int at)
        {
            elements += add;
            if (elements > max)
                throw new ModelFormatException(Field, $"at most {max} protobuf elements (messages, strings, integer values; OnnxImportOptions.MaxElements)",
                    $"more by byte {at.ToString(CultureInfo.InvariantCulture)}");
        }

        private static void Skip(ref int pos, int count, int end, int tagAt)
        {
            if (end - pos < count) throw Malformed($"a {count * 8}-bit field at byte {tagAt} with {end - pos} bytes left");
            pos += count;
        }

        private static ulong ReadVarint(byte[] data, ref int pos, int end)
        {
            int at = pos;
            ulong value = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                if (pos >= end) throw Malformed($"a varint cut off at byte {at}");
                byte b = data[pos++];
                if (shift == 63 && b > 1) break; // over 64 bits
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw Malformed($"a varint over 64 bits at byte {at}");
        }

        private static ModelFormatException Malformed(string found) =>
            new ModelFormatException(Field, "a well-formed protobuf message (an ONNX ModelProto)", found);
    }
}
