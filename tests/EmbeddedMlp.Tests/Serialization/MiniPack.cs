using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// A tiny MessagePack encoder written for the tests from the MessagePack specification, independent of both our
    /// writer and the MessagePack library, so hostile files can be built freely (duplicate keys, wrong types, any order).
    /// Values: null, bool, int/long, float (f32), double (f64), string, byte[] (bin), object[] (array), Map (ordered, duplicates allowed).
    /// </summary>
    internal static class MiniPack
    {
        /// <summary>An ordered map whose keys may repeat.</summary>
        public sealed class Map : List<KeyValuePair<object, object?>>
        {
            public void Add(object key, object? value) => Add(new KeyValuePair<object, object?>(key, value));

            public Map With(object key, object? value) { Add(key, value); return this; }

            public Map Without(object key)
            {
                var copy = new Map();
                foreach (var kv in this) if (!Equals(kv.Key, key)) copy.Add(kv);
                return copy;
            }

            public Map Replace(object key, object? value)
            {
                var copy = new Map();
                foreach (var kv in this) copy.Add(kv.Key, Equals(kv.Key, key) ? value : kv.Value);
                return copy;
            }
        }

        public static byte[] Encode(object? value)
        {
            var s = new MemoryStream();
            Write(s, value);
            return s.ToArray();
        }

        private static void Write(MemoryStream s, object? value)
        {
            switch (value)
            {
                case null: s.WriteByte(0xc0); break;
                case bool b: s.WriteByte(b ? (byte)0xc3 : (byte)0xc2); break;
                case int i: WriteInt(s, i); break;
                case long l: WriteInt(s, l); break;
                case float f: s.WriteByte(0xca); BigEndian(s, (uint)BitConverter.SingleToInt32Bits(f), 4); break;
                case double d: s.WriteByte(0xcb); BigEndian(s, (ulong)BitConverter.DoubleToInt64Bits(d), 8); break;
                case string str:
                    byte[] utf8 = Encoding.UTF8.GetBytes(str);
                    if (utf8.Length < 32) s.WriteByte((byte)(0xa0 | utf8.Length));
                    else if (utf8.Length < 256) { s.WriteByte(0xd9); s.WriteByte((byte)utf8.Length); }
                    else { s.WriteByte(0xdb); BigEndian(s, (ulong)utf8.Length, 4); }
                    s.Write(utf8, 0, utf8.Length);
                    break;
                case byte[] bin:
                    if (bin.Length < 256) { s.WriteByte(0xc4); s.WriteByte((byte)bin.Length); }
                    else { s.WriteByte(0xc6); BigEndian(s, (ulong)bin.Length, 4); }
                    s.Write(bin, 0, bin.Length);
                    break;
                case object[] array:
                    if (array.Length < 16) s.WriteByte((byte)(0x90 | array.Length));
                    else { s.WriteByte(0xdd); BigEndian(s, (ulong)array.Length, 4); }
                    foreach (object? o in array) Write(s, o);
                    break;
                case Map map:
                    if (map.Count < 16) s.WriteByte((byte)(0x80 | map.Count));
                    else { s.WriteByte(0xdf); BigEndian(s, (ulong)map.Count, 4); }
                    foreach (var kv in map) { Write(s, kv.Key); Write(s, kv.Value); }
                    break;
                default: throw new ArgumentException("MiniPack cannot encode " + value.GetType());
            }
        }

        private static void WriteInt(MemoryStream s, long v)
        {
            if (v >= 0 && v < 128) s.WriteByte((byte)v);
            else if (v < 0 && v >= -32) s.WriteByte((byte)(sbyte)v);
            else { s.WriteByte(0xd3); BigEndian(s, (ulong)v, 8); }
        }

        private static void BigEndian(MemoryStream s, ulong v, int bytes)
        {
            for (int i = bytes - 1; i >= 0; i--) s.WriteByte((byte)(v >> (8 * i)));
        }

        /// <summary>Little-endian f32 elements.</summary>
        public static byte[] F32(params float[] values)
        {
            var b = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BitConverter.GetBytes(values[i]).CopyTo(b, 4 * i);
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException();
            return b;
        }

        /// <summary>n little-endian f32 elements of a simple pattern.</summary>
        public static byte[] F32Count(int n)
        {
            var v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (i % 7 - 3) * 0.125f;
            return F32(v);
        }

        public static Map Layer(int units, string activation, byte[] weight, byte[]? bias) =>
            new Map().With("units", units).With("activation", activation).With("weight", weight).With("bias", bias);

        /// <summary>A valid f32 file: <paramref name="inputs"/> inputs, then one layer per unit count (tanh, last identity).</summary>
        public static Map Model(int inputs, params int[] units)
        {
            var layers = new object[units.Length];
            int fanIn = inputs;
            for (int i = 0; i < units.Length; i++)
            {
                layers[i] = Layer(units[i], i == units.Length - 1 ? "identity" : "tanh", F32Count(units[i] * fanIn), F32Count(units[i]));
                fanIn = units[i];
            }
            return new Map().With("format", "embedded-mlp").With("version", 1).With("inputs", inputs).With("dtype", "f32").With("layers", layers);
        }
    }
}
