using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedMlp.Onnx.Export;
using EmbeddedMlp.Onnx.Import;
using EmbeddedMlp.Serialization;

namespace EmbeddedMlp.Onnx
{
    /// <summary>
    /// ONNX import and export (docs/onnx.md).
    /// <para><b>Import</b> reads what PyTorch's exporters write for an <c>nn.Sequential</c> of <c>nn.Linear</c> layers and
    /// activations (opsets 9–21): <c>Gemm</c>, or <c>MatMul</c> with an optional bias <c>Add</c>, per layer, then
    /// <c>Relu</c>, <c>LeakyRelu</c> (slope 0.01), <c>Tanh</c>, <c>Sigmoid</c> or <c>Softmax</c> (last layer); no-op
    /// <c>Identity</c>, <c>Flatten</c> and <c>Reshape</c>; weights as initializers or <c>Constant</c> nodes (optionally
    /// through a <c>Transpose</c>), f32 or f16. The file is untrusted: every problem with its bytes is a
    /// <see cref="ModelFormatException"/> naming the node (index, name, op type) and why, limits come from
    /// <see cref="OnnxImportOptions"/> and are checked before anything they guard is allocated.</para>
    /// <para><b>Export</b> writes one <c>Gemm</c> (transB = 1) and one activation node per layer, input and output
    /// [batch, width] with a dynamic batch, f32 weights as raw_data, opset 13 by default.</para>
    /// </summary>
    public static class OnnxModel
    {
        /// <summary>Builds a model from the bytes of an .onnx file.</summary>
        /// <exception cref="ModelFormatException">The bytes are not an ONNX model this importer accepts.</exception>
        public static Mlp Import(ReadOnlySpan<byte> onnx, OnnxImportOptions? options = null) =>
            Import(onnx, out _, options);

        /// <summary>Builds a model from the bytes of an .onnx file and returns the file's <c>metadata_props</c>.</summary>
        /// <exception cref="ModelFormatException">The bytes are not an ONNX model this importer accepts.</exception>
        public static Mlp Import(ReadOnlySpan<byte> onnx, out IReadOnlyDictionary<string, string> metadata, OnnxImportOptions? options = null)
        {
            options ??= OnnxImportOptions.Default;
            if (onnx.Length > options.MaxBytes)
                throw new ModelFormatException("(file)", $"at most {options.MaxBytes} bytes (OnnxImportOptions.MaxBytes)", $"{onnx.Length} bytes");
            Mlp model = OnnxImporter.Import(onnx.ToArray(), options, out Dictionary<string, string> meta);
            metadata = meta;
            return model;
        }

        /// <summary>Builds a model from the .onnx file at <paramref name="path"/>.</summary>
        /// <exception cref="ModelFormatException">The file is not an ONNX model this importer accepts (I/O errors keep their own types).</exception>
        public static Mlp Import(string path, OnnxImportOptions? options = null) => Import(path, out _, options);

        /// <summary>Builds a model from the .onnx file at <paramref name="path"/> and returns its <c>metadata_props</c>.</summary>
        /// <exception cref="ModelFormatException">The file is not an ONNX model this importer accepts (I/O errors keep their own types).</exception>
        public static Mlp Import(string path, out IReadOnlyDictionary<string, string> metadata, OnnxImportOptions? options = null)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            options ??= OnnxImportOptions.Default;
            byte[] bytes = ReadFile(path, options.MaxBytes);
            Mlp model = OnnxImporter.Import(bytes, options, out Dictionary<string, string> meta);
            metadata = meta;
            return model;
        }

        /// <summary>The model as the bytes of an .onnx file.</summary>
        public static byte[] Export(Mlp model, OnnxExportOptions? options = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            return OnnxExporter.Export(model, options ?? OnnxExportOptions.Default);
        }

        /// <summary>
        /// Writes the model to the .onnx file <paramref name="path"/> atomically, as <see cref="ModelFile.Save(Mlp, string, ModelSaveOptions)"/>
        /// does: a temporary file in the same folder, flushed to disk, then renamed over the target.
        /// </summary>
        public static void Export(Mlp model, string path, OnnxExportOptions? options = null)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            byte[] bytes = Export(model, options);
            AtomicFile.Write(path, stream => stream.Write(bytes, 0, bytes.Length));
        }

        /// <summary>Reads a file whose size is checked against <paramref name="maxBytes"/> before (and while) reading it.</summary>
        private static byte[] ReadFile(string path, long maxBytes)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                long length = stream.CanSeek ? stream.Length : -1;
                if (length > maxBytes)
                    throw new ModelFormatException("(file)", $"at most {maxBytes} bytes (OnnxImportOptions.MaxBytes)", $"{length} bytes");
                var buffer = new byte[length >= 0 ? length : Math.Min(maxBytes, 81920)];
                int filled = 0;
                while (true)
                {
                    if (filled == buffer.Length)
                    {
                        int extra = stream.ReadByte(); // the end, or a file longer than it said (or of unknown length)
                        if (extra < 0) break;
                        if (buffer.Length >= maxBytes)
                            throw new ModelFormatException("(file)", $"at most {maxBytes} bytes (OnnxImportOptions.MaxBytes)", "more");
                        Array.Resize(ref buffer, (int)Math.Min(maxBytes, Math.Max(4096, (long)buffer.Length * 2)));
                        buffer[filled++] = (byte)extra;
                        continue;
                    }
                    int n = stream.Read(buffer, filled, buffer.Length - filled);
                    if (n == 0) break;
                    filled += n;
                }
                if (filled != buffer.Length) Array.Resize(ref buffer, filled);
                return buffer;
            }
        }
    }
}
