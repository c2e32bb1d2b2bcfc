using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using EmbeddedMlp.Kernels;
using MessagePack;
using static EmbeddedMlp.Serialization.MsgPackInput;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Parses and validates a format-v1 file completely before anything is built from it: structure, types, limits,
    /// shapes, blob sizes and values. Blobs stay slices of the input. Every failure is a <see cref="ModelFormatException"/>.
    /// </summary>
    internal static class ModelFileReader
    {
        private const string Top = "(top level)";

        public static ParsedModelFile Parse(ReadOnlyMemory<byte> data, ModelLoadOptions options, bool wantMetadata)
        {
            if (data.Length > options.MaxFileBytes)
                throw new ModelFormatException("(file)", $"at most {options.MaxFileBytes} bytes (ModelLoadOptions.MaxFileBytes)", $"{data.Length} bytes");
            if (data.IsEmpty)
                throw new ModelFormatException("(file)", "a MessagePack map", "an empty file");
            try
            {
                return ParseCore(data, options, wantMetadata);
            }
            catch (MessagePackSerializationException e)
            {
                // Backstop: every read is type-checked first, so this should not happen; it still must not escape as another type.
                throw new ModelFormatException("(file)", "(file): expected well-formed MessagePack, found " + e.Message, e);
            }
        }

        private static ParsedModelFile ParseCore(ReadOnlyMemory<byte> data, ModelLoadOptions options, bool wantMetadata)
        {
            var reader = new MessagePackReader(data);
            var result = new ParsedModelFile();
            int entries = ReadMapHeader(ref reader, new FieldName(Top));
            int seen = 0;
            int inputs = 0;
            ModelDtype dtype = ModelDtype.F32;
            MessagePackReader layers = default, metadata = default, training = default;
            HashSet<string>? unknownKeys = null;

            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> key = ReadStringBytes(ref reader, new FieldName(Top + " key"), out _);
                int k = ModelFileKeys.IndexOf(ModelFileKeys.TopLevel, key);
                if (k < 0)
                {
                    // Unknown keys are ignored (forward compatibility), but still may not repeat and must be well-formed.
                    unknownKeys ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!unknownKeys.Add(Latin1(key)))
                        throw new ModelFormatException(Top, "each key once", "key " + Quote(key) + " twice");
                    Skip(ref reader, new FieldName(Quote(key)), 1, options.MaxDepth);
                    continue;
                }
                string name = KeyName(k);
                if ((seen & (1 << k)) != 0)
                    throw new ModelFormatException(Top, "each key once", $"key \"{name}\" twice");
                seen |= 1 << k;
                var field = new FieldName(name);
                switch (k)
                {
                    case 0: // format
                        ReadOnlySpan<byte> format = ReadStringBytes(ref reader, field, out _);
                        if (!format.SequenceEqual(ModelFileKeys.FormatNameUtf8))
                            throw new ModelFormatException(name, $"\"{ModelFileKeys.FormatName}\"", Quote(format));
                        break;
                    case 1: // version
                        long version = ReadInt64(ref reader, field);
                        if (version != ModelFileKeys.Version)
                            throw new ModelFormatException(name, $"{ModelFileKeys.Version} (the only version this reader knows)", version.ToString(CultureInfo.InvariantCulture));
                        break;
                    case 2: // inputs
                        inputs = ReadInt32(ref reader, field, 1, options.MaxUnitsPerLayer, "ModelLoadOptions.MaxUnitsPerLayer");
                        break;
                    case 3: // dtype
                        ReadOnlySpan<byte> d = ReadStringBytes(ref reader, field, out _);
                        if (d.SequenceEqual(ModelFileKeys.F32)) dtype = ModelDtype.F32;
                        else if (d.SequenceEqual(ModelFileKeys.F16)) dtype = ModelDtype.F16;
                        else throw new ModelFormatException(name, "\"f32\" or \"f16\"", Quote(d));
                        break;
                    case 4: layers = reader; Skip(ref reader, field, 1, options.MaxDepth); break;
                    case 5: metadata = reader; Skip(ref reader, field, 1, options.MaxDepth); break;
                    case 6: training = reader; Skip(ref reader, field, 1, options.MaxDepth); break;
                }
            }
            if (!reader.End)
                throw new ModelFormatException("(file)", "the end of the file after the top-level map", $"{Remaining(ref reader)} trailing bytes");
            for (int k = 0; k <= 4; k++)
                if (k != 3 && (seen & (1 << k)) == 0)
                    throw new ModelFormatException(KeyName(k), "a value (the key is required)", "no such key");

            result.Inputs = inputs;
            result.Dtype = dtype;
            ParseLayers(ref layers, result, options);
            if ((seen & (1 << 5)) != 0) result.Metadata = ParseMetadata(ref metadata, wantMetadata);
            if ((seen & (1 << 6)) != 0) result.Training = TrainingStateReader.Parse(ref training, result, options);
            return result;
        }

        private static string KeyName(int k)
        {
            switch (k)
            {
                case 0: return ModelFileKeys.Format;
                case 1: return ModelFileKeys.VersionKey;
                case 2: return ModelFileKeys.Inputs;
                case 3: return ModelFileKeys.Dtype;
                case 4: return ModelFileKeys.Layers;
                case 5: return ModelFileKeys.Metadata;
                default: return ModelFileKeys.Training;
            }
        }

        /// <summary>Bytes to a string one char per byte: lossless, for comparing keys that need not be valid UTF-8.</summary>
        private static string Latin1(ReadOnlySpan<byte> utf8)
        {
            Span<byte> bytes = SpanAccess.View(utf8); // read only (see SpanAccess)
            var chars = new char[bytes.Length];
            for (int i = 0; i < bytes.Length; i++) chars[i] = (char)bytes[i];
            return new string(chars);
        }

        private static void ParseLayers(ref MessagePackReader reader, ParsedModelFile result, ModelLoadOptions options)
        {
            var field = new FieldName(ModelFileKeys.Layers);
            int count = ReadArrayHeader(ref reader, field);
            if (count < 1)
                throw new ModelFormatException(ModelFileKeys.Layers, "at least 1 layer", "an empty array");
            if (count > options.MaxLayers)
                throw new ModelFormatException(ModelFileKeys.Layers, $"at most {options.MaxLayers} layers (ModelLoadOptions.MaxLayers)", $"{count} layers");

            var layers = new ParsedLayer[count];
            int fanIn = result.Inputs;
            long total = 0;
            int elementSize = BlobCodec.ElementSize(result.Dtype);
            string dtypeName = BlobCodec.Name(result.Dtype);
            for (int i = 0; i < count; i++)
            {
                ParsedLayer layer = ParseLayer(ref reader, i, count, options);
                layer.FanIn = fanIn;
                var at = new FieldName(ModelFileKeys.Layers, i, ""); // formatted only on error

                long weights = (long)layer.Units * fanIn;
                total += weights + (layer.HasBias ? layer.Units : 0);
                if (total > options.MaxParameters)
                    throw new ModelFormatException(at.ToString(), $"at most {options.MaxParameters} parameters in all (ModelLoadOptions.MaxParameters)", $"{total} by this layer");
                if (layer.Weight.Length != weights * elementSize)
                    throw new ModelFormatException(at.ToString() + ".weight", $"{weights * elementSize} bytes ({layer.Units}×{fanIn} {dtypeName})", layer.Weight.Length.ToString(CultureInfo.InvariantCulture));
                if (layer.HasBias && layer.Bias.Length != (long)layer.Units * elementSize)
                    throw new ModelFormatException(at.ToString() + ".bias", $"{(long)layer.Units * elementSize} bytes ({layer.Units} {dtypeName})", layer.Bias.Length.ToString(CultureInfo.InvariantCulture));
                if (!options.AllowNonFinite)
                {
                    CheckFinite(layer.Weight.Span, result.Dtype, new FieldName(ModelFileKeys.Layers, i, ModelFileKeys.Weight));
                    if (layer.HasBias) CheckFinite(layer.Bias.Span, result.Dtype, new FieldName(ModelFileKeys.Layers, i, ModelFileKeys.Bias));
                }
                layers[i] = layer;
                fanIn = layer.Units;
            }
            result.Layers = layers;
            result.ParameterCount = total;
        }

        internal static void CheckFinite(ReadOnlySpan<byte> blob, ModelDtype dtype, FieldName field)
        {
            int bad = BlobCodec.FindNonFinite(blob, dtype, out string what);
            if (bad >= 0)
                throw new ModelFormatException($"{field}[{bad}]", "a finite number (ModelLoadOptions.AllowNonFinite is off)", what);
        }

        private static ParsedLayer ParseLayer(ref MessagePackReader reader, int index, int count, ModelLoadOptions options)
        {
            var at = new FieldName(ModelFileKeys.Layers, index, "");
            int entries = ReadMapHeader(ref reader, at);
            var layer = new ParsedLayer();
            int seen = 0;
            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> key = ReadStringBytes(ref reader, new FieldName(ModelFileKeys.Layers, index, "(key)"), out _);
                int k = ModelFileKeys.IndexOf(ModelFileKeys.Layer, key);
                if (k < 0)
                    throw new ModelFormatException(at.ToString(), "only the keys units, activation, weight, bias", "key " + Quote(key));
                var field = new FieldName(ModelFileKeys.Layers, index, ModelFileKeys.LayerNames[k]);
                if ((seen & (1 << k)) != 0)
                    throw new ModelFormatException(at.ToString(), "each key once", $"key \"{field}\" twice");
                seen |= 1 << k;
                switch (k)
                {
                    case 0:
                        layer.Units = ReadInt32(ref reader, field, 1, options.MaxUnitsPerLayer, "ModelLoadOptions.MaxUnitsPerLayer");
                        break;
                    case 1:
                        ReadOnlySpan<byte> name = ReadStringBytes(ref reader, field, out _);
                        if (!TryParseActivation(name, out Activation activation))
                            throw new ModelFormatException(field.ToString(), "one of identity, relu, leaky_relu, tanh, sigmoid, softmax", Quote(name));
                        if (activation == Activation.Softmax && index != count - 1)
                            throw new ModelFormatException(field.ToString(), $"softmax only on the last layer (layers[{count - 1}])", $"softmax on layers[{index}]");
                        layer.Activation = activation;
                        break;
                    case 2:
                        layer.Weight = ToMemory(ReadBytes(ref reader, field, false)!.Value);
                        break;
                    case 3:
                        ReadOnlySequence<byte>? bias = ReadBytes(ref reader, field, true);
                        layer.HasBias = bias.HasValue;
                        if (bias.HasValue) layer.Bias = ToMemory(bias.Value);
                        break;
                }
            }
            for (int k = 0; k < 3; k++)
                if ((seen & (1 << k)) == 0)
                    throw new ModelFormatException(at.ToString(), $"a value for key \"{ModelFileKeys.LayerNames[k]}\" (required)", "no such key");
            return layer;
        }

        private static bool TryParseActivation(ReadOnlySpan<byte> utf8, out Activation activation)
        {
            Span<byte> name = SpanAccess.View(utf8); // read only (see SpanAccess)
            for (Activation a = Activation.Identity; a <= Activation.Softmax; a++)
            {
                string s = a.ToName();
                if (name.Length == s.Length)
                {
                    bool same = true;
                    for (int i = 0; i < s.Length && same; i++) same = name[i] == s[i];
                    if (same) { activation = a; return true; }
                }
            }
            activation = Activation.Identity;
            return false;
        }

        /// <summary>A bin's bytes as memory of the input (inputs are always one contiguous block).</summary>
        internal static ReadOnlyMemory<byte> ToMemory(ReadOnlySequence<byte> sequence) => MsgPackInput.Contiguous(sequence);

        private static Dictionary<string, string>? ParseMetadata(ref MessagePackReader reader, bool keep)
        {
            var field = new FieldName(ModelFileKeys.Metadata);
            int entries = ReadMapHeader(ref reader, field);
            var result = new Dictionary<string, string>(Math.Min(entries, 64), StringComparer.Ordinal);
            for (int e = 0; e < entries; e++)
            {
                string key = ReadString(ref reader, new FieldName(ModelFileKeys.Metadata + " key"));
                string value = ReadString(ref reader, new FieldName(ModelFileKeys.Metadata, -1, key.Length > 40 ? key.Substring(0, 40) + "…" : key));
                if (result.ContainsKey(key))
                    throw new ModelFormatException(ModelFileKeys.Metadata, "each key once", $"key {Quote(System.Text.Encoding.UTF8.GetBytes(key))} twice");
                result.Add(key, value);
            }
            return keep ? result : null;
        }
    }
}
