using System;
using System.Collections.Generic;

namespace EmbeddedMlp.Onnx
{
    /// <summary>What an ONNX export writes beyond the layers.</summary>
    public sealed class OnnxExportOptions
    {
        /// <summary>The defaults (opset 13, names "input" and "output", no metadata).</summary>
        internal static readonly OnnxExportOptions Default = new OnnxExportOptions();

        /// <summary>Lowest opset <see cref="Opset"/> accepts.</summary>
        public const int MinOpset = 13;
        /// <summary>Highest opset <see cref="Opset"/> accepts.</summary>
        public const int MaxOpset = 17;

        private int _opset = 13;
        private string _inputName = "input";
        private string _outputName = "output";

        /// <summary>
        /// Version of the default ONNX operator set the file declares, 13 to 17 (default 13, which Unity Sentis 1.x–2.x,
        /// documented for opsets 7–15, and every ONNX Runtime since 1.6 read). The IR version follows from it: 7 for
        /// opsets 13 and 14, 8 for 15 to 17 (ONNX 1.8–1.12).
        /// </summary>
        public int Opset
        {
            get => _opset;
            set
            {
                if (value < MinOpset || value > MaxOpset)
                    throw new ArgumentOutOfRangeException(nameof(Opset), value, $"Opset: expected {MinOpset}..{MaxOpset}, found {value}.");
                _opset = value;
            }
        }

        /// <summary>Name of the graph input, shape [batch, inputs]. Default "input".</summary>
        public string InputName { get => _inputName; set => _inputName = Name(value, nameof(InputName)); }

        /// <summary>Name of the graph output, shape [batch, outputs]. Default "output".</summary>
        public string OutputName { get => _outputName; set => _outputName = Name(value, nameof(OutputName)); }

        /// <summary>Free text written as the model's <c>metadata_props</c> (sorted by key); null or empty writes none.</summary>
        public IReadOnlyDictionary<string, string>? Metadata { get; set; }

        private static string Name(string value, string property)
        {
            if (string.IsNullOrEmpty(value))
                throw new ArgumentException($"{property}: expected a non-empty name, found {(value is null ? "null" : "an empty string")}.", property);
            return value;
        }
    }
}
