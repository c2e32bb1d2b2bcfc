using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text;
using MessagePack;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Typed reads from a <see cref="MessagePackReader"/> that check the type first and turn every failure
    /// (wrong type, truncation, overflow, bad UTF-8, nesting too deep) into a <see cref="ModelFormatException"/>
    /// naming the field.
    /// </summary>
    internal static class MsgPackInput
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        /// <summary>Bytes left after the reader's position.</summary>
        public static long Remaining(ref MessagePackReader reader) => reader.Sequence.Length - reader.Consumed;

        public static string Describe(ref MessagePackReader reader)
        {
            if (reader.End) return "end of file";
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Integer: return "int";
                case MessagePackType.Nil: return "nil";
                case MessagePackType.Boolean: return "bool";
                case MessagePackType.Float: return "float";
                case MessagePackType.String: return "str";
                case MessagePackType.Binary: return "bin";
                case MessagePackType.Array: return "array";
                case MessagePackType.Map: return "map";
                case MessagePackType.Extension: return "ext";
                default: return "invalid byte 0x" + reader.NextCode.ToString("x2", CultureInfo.InvariantCulture);
            }
        }

        private static void Expect(ref MessagePackReader reader, MessagePackType type, string expected, FieldName field)
        {
            if (reader.End || reader.NextMessagePackType != type)
                throw new ModelFormatException(field.ToString(), expected, Describe(ref reader));
        }

        private static ModelFormatException Truncated(FieldName field, Exception inner) =>
            new ModelFormatException(field.ToString(), $"{field}: expected a complete value within the file, found the file truncated or a length header running past its end.", inner);

        // MessagePackReader reports a length header larger than the file (or than int) by slicing past the end.
        private static ModelFormatException Forged(FieldName field, Exception inner) =>
            new ModelFormatException(field.ToString(), $"{field}: expected a complete value within the file, found a length header running past its end.", inner);

        public static int ReadMapHeader(ref MessagePackReader reader, FieldName field)
        {
            Expect(ref reader, MessagePackType.Map, "map", field);
            try
            {
                int count = reader.ReadMapHeader();
                // Every entry takes at least two bytes: a count beyond that is forged.
                if ((long)count * 2 > Remaining(ref reader))
                    throw new ModelFormatException(field.ToString(), $"a map of at most {Remaining(ref reader) / 2} entries (bytes left)", $"{count} entries");
                return count;
            }
            catch (EndOfStreamException e) { throw Truncated(field, e); }
            catch (ArgumentOutOfRangeException e) { throw Forged(field, e); }
            catch (OverflowException e) { throw Forged(field, e); }
        }

        public static int ReadArrayHeader(ref MessagePackReader reader, FieldName field)
        {
            Expect(ref reader, MessagePackType.Array, "array", field);
            try
            {
                int count = reader.ReadArrayHeader();
                if (count > Remaining(ref reader))
                    throw new ModelFormatException(field.ToString(), $"an array of at most {Remaining(ref reader)} elements (bytes left)", $"{count} elements");
                return count;
            }
            catch (EndOfStreamException e) { throw Truncated(field, e); }
            catch (ArgumentOutOfRangeException e) { throw Forged(field, e); }
            catch (OverflowException e) { throw Forged(field, e); }
        }

        public static long ReadInt64(ref MessagePackReader reader, FieldName field)
        {
            Expect(ref reader, MessagePackType.Integer, "int", field);
            try
            {
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    ulong u = reader.ReadUInt64();
                    if (u > long.MaxValue)
                        throw new ModelFormatException(field.ToString(), $"int ≤ {long.MaxValue}", u.ToString(CultureInfo.InvariantCulture));
                    return (long)u;
                }
                return reader.ReadInt64();
            }
            catch (EndOfStreamException e) { throw Truncated(field, e); }
            catch (ArgumentOutOfRangeException e) { throw Forged(field, e); }
            catch (OverflowException e) { throw new ModelFormatException(field.ToString(), $"{field}: expected a 64-bit int, found one out of range.", e); }
        }

        /// <summary>An int in [min, max]; the message gives the range (and <paramref name="why"/> for the upper bound, e.g. a limit's name).</summary>
        public static int ReadInt32(ref MessagePackReader reader, FieldName field, int min, int max, string? why = null)
        {
            long v = ReadInt64(ref reader, field);
            if (v < min || v > max)
                throw new ModelFormatException(field.ToString(), $"int in {min}..{max}{(why is null ? "" : " (" + why + ")")}", v.ToString(CultureInfo.InvariantCulture));
            return (int)v;
        }

        public static float ReadSingle(ref MessagePackReader reader, FieldName field)
        {
            if (reader.End || (reader.NextMessagePackType != MessagePackType.Float && reader.NextMessagePackType != MessagePackType.Integer))
                throw new ModelFormatException(field.ToString(), "float", Describe(ref reader));
            try { return reader.ReadSingle(); }
            catch (EndOfStreamException e) { throw Truncated(field, e); }
            catch (ArgumentOutOfRangeException e) { throw Forged(field, e); }
            catch (OverflowException e) { throw new ModelFormatException(field.ToString(), $"{field}: expected a float, found a number out of range.", e); }
        }

        public static bool ReadBoolean(ref MessagePackReader reader, FieldName field)
        {
            Expect(ref reader, MessagePackType.Boolean, "bool", field);
            return reader.ReadBoolean();
        }

        /// <summary>A bin as a slice of the input (no copy); null for nil when <paramref name="allowNil"/>.</summary>
        public static ReadOnlySequence<byte>? ReadBytes(ref MessagePackReader reader, FieldName field, bool allowNil)
        {
            if (allowNil && !reader.End && reader.NextMessagePackType == MessagePackType.Nil)
            {
                reader.ReadNil();
                return null;
            }
            Expect(ref reader, MessagePackType.Binary, allowNil ? "bin or nil" : "bin", field);
            try { return reader.ReadBytes(); }
            catch (EndOfStreamException e) { throw Truncated(field, e); }
            catch (ArgumentOutOfRangeException e) { throw Forged(field, e); }
            catch (OverflowException e) { throw Forged(field, e); }
        }

        /// <summary>The raw UTF-8 bytes of a str (a slice of the input; not validated).</summary>
        public static ReadOnlySpan<byte> ReadStringBytes(ref MessagePackReader reader, FieldName field, out ReadOnlySequence<byte> sequence)
        {
            Expect(ref reader, MessagePackType.String, "str", field);
            try
            {
                sequence = reader.ReadStringSequence() ?? default;
            }
            catch (EndOfStreamException e) { throw Truncated(field, e); }
            catch (ArgumentOutOfRangeException e) { throw Forged(field, e); }
            catch (OverflowException e) { throw Forged(field, e); }
            return Contiguous(sequence).Span;
        }

        /// <summary>
        /// The sequence's bytes as one block: the input's own memory when it is one segment (always, for the inputs
        /// this library reads), else a copy. Copies segment by segment rather than with <c>BuffersExtensions.ToArray</c>,
        /// whose signature differs in Mono 6.8's corlib (by value instead of <c>in</c>), where the call does not bind.
        /// </summary>
        internal static ReadOnlyMemory<byte> Contiguous(ReadOnlySequence<byte> sequence)
        {
            if (sequence.IsSingleSegment) return sequence.First;
            var copy = new byte[checked((int)sequence.Length)];
            int at = 0;
            foreach (ReadOnlyMemory<byte> segment in sequence)
            {
                segment.Span.CopyTo(copy.AsSpan(at));
                at += segment.Length;
            }
            return copy;
        }

        public static string ReadString(ref MessagePackReader reader, FieldName field)
        {
            ReadOnlySpan<byte> utf8 = ReadStringBytes(ref reader, field, out _);
            return Decode(utf8, field);
        }

        public static string Decode(ReadOnlySpan<byte> utf8, FieldName field)
        {
            try { return StrictUtf8.GetString(utf8); }
            catch (DecoderFallbackException e) { throw new ModelFormatException(field.ToString(), $"{field}: expected a str of valid UTF-8, found invalid bytes.", e); }
        }

        /// <summary>A short, printable rendering of a key for messages (at most 40 characters, control characters escaped).</summary>
        public static string Quote(ReadOnlySpan<byte> utf8)
        {
            string s = Encoding.UTF8.GetString(utf8.Length > 160 ? utf8.Slice(0, 160) : utf8);
            var b = new StringBuilder("\"");
            foreach (char c in s)
            {
                if (b.Length > 40) { b.Append('…'); break; }
                if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else b.Append(c);
            }
            return b.Append('"').ToString();
        }

        /// <summary>Skips one value of any type, refusing nesting deeper than <paramref name="maxDepth"/> (no unbounded recursion).</summary>
        public static void Skip(ref MessagePackReader reader, FieldName field, int depth, int maxDepth)
        {
            if (reader.End) throw new ModelFormatException(field.ToString(), "a value", "end of file");
            MessagePackType type = reader.NextMessagePackType;
            if (type == MessagePackType.Array || type == MessagePackType.Map)
            {
                if (depth >= maxDepth)
                    throw new ModelFormatException(field.ToString(), $"nesting at most {maxDepth} deep (ModelLoadOptions.MaxDepth)", "deeper nesting");
                long items = type == MessagePackType.Array ? ReadArrayHeader(ref reader, field) : 2L * ReadMapHeader(ref reader, field);
                for (long i = 0; i < items; i++) Skip(ref reader, field, depth + 1, maxDepth);
                return;
            }
            if (type == MessagePackType.Unknown)
                throw new ModelFormatException(field.ToString(), "a MessagePack value", Describe(ref reader));
            try { reader.Skip(); }
            catch (EndOfStreamException e) { throw Truncated(field, e); }
            catch (ArgumentOutOfRangeException e) { throw Forged(field, e); }
            catch (OverflowException e) { throw Forged(field, e); }
        }
    }
}
