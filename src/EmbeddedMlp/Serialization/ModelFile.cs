using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using EmbeddedMlp.Training;
using MessagePack;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Saves and loads models and checkpoints in the MessagePack format v1 described in docs/format.md.
    /// <para>Loads treat their input as untrusted: every problem with the bytes is a <see cref="ModelFormatException"/>
    /// (I/O errors of streams and files keep their own types), limits come from <see cref="ModelLoadOptions"/>, and the
    /// whole file is validated before anything is built or overwritten. Saves to a path are atomic.</para>
    /// </summary>
    public static class ModelFile
    {
        // ---- Save --------------------------------------------------------------------------------------------

        /// <summary>Writes <paramref name="model"/> to <paramref name="output"/>.</summary>
        public static void Save(Mlp model, IBufferWriter<byte> output, ModelSaveOptions? options = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            if (output is null) throw new ArgumentNullException(nameof(output));
            options ??= ModelSaveOptions.Default;
            ModelFileWriter.CheckMetadata(options.Metadata);
            var writer = new MessagePackWriter(output);
            ModelFileWriter.Write(ref writer, model, options.Dtype, options.Metadata, null);
        }

        /// <summary>Writes <paramref name="model"/> to <paramref name="output"/> at its current position.</summary>
        public static void Save(Mlp model, Stream output, ModelSaveOptions? options = null)
        {
            if (output is null) throw new ArgumentNullException(nameof(output));
            using (var buffer = new StreamBufferWriter(output))
            {
                Save(model, buffer, options);
                buffer.Flush();
            }
        }

        /// <summary>Writes <paramref name="model"/> to the file <paramref name="path"/> atomically (temporary file, flush to disk, rename).</summary>
        public static void Save(Mlp model, string path, ModelSaveOptions? options = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            ModelFileWriter.CheckMetadata(options?.Metadata);
            AtomicFile.Write(path, stream => Save(model, stream, options));
        }

        /// <summary>Writes a checkpoint: the trainer's model in f32 plus its <c>training</c> state (see docs/format.md).</summary>
        public static void SaveCheckpoint(Trainer trainer, IBufferWriter<byte> output, IReadOnlyDictionary<string, string>? metadata = null)
        {
            if (trainer is null) throw new ArgumentNullException(nameof(trainer));
            if (output is null) throw new ArgumentNullException(nameof(output));
            ModelFileWriter.CheckMetadata(metadata);
            var writer = new MessagePackWriter(output);
            ModelFileWriter.Write(ref writer, trainer.Model, ModelDtype.F32, metadata, trainer);
        }

        /// <summary>Writes a checkpoint to <paramref name="output"/> at its current position.</summary>
        public static void SaveCheckpoint(Trainer trainer, Stream output, IReadOnlyDictionary<string, string>? metadata = null)
        {
            if (output is null) throw new ArgumentNullException(nameof(output));
            using (var buffer = new StreamBufferWriter(output))
            {
                SaveCheckpoint(trainer, buffer, metadata);
                buffer.Flush();
            }
        }

        /// <summary>Writes a checkpoint to the file <paramref name="path"/> atomically.</summary>
        public static void SaveCheckpoint(Trainer trainer, string path, IReadOnlyDictionary<string, string>? metadata = null)
        {
            if (trainer is null) throw new ArgumentNullException(nameof(trainer));
            ModelFileWriter.CheckMetadata(metadata);
            AtomicFile.Write(path, stream => SaveCheckpoint(trainer, stream, metadata));
        }

        /// <summary>
        /// Writes a checkpoint with the weights and biases in <paramref name="options"/>' dtype and its metadata (the
        /// optimizer moments stay f32). An f16 checkpoint resumes from the rounded weights.
        /// </summary>
        public static void SaveCheckpoint(Trainer trainer, IBufferWriter<byte> output, ModelSaveOptions options)
        {
            if (trainer is null) throw new ArgumentNullException(nameof(trainer));
            if (output is null) throw new ArgumentNullException(nameof(output));
            if (options is null) throw new ArgumentNullException(nameof(options));
            ModelFileWriter.CheckMetadata(options.Metadata);
            var writer = new MessagePackWriter(output);
            ModelFileWriter.Write(ref writer, trainer.Model, options.Dtype, options.Metadata, trainer);
        }

        /// <summary>Writes a checkpoint with <paramref name="options"/> to the file <paramref name="path"/> atomically.</summary>
        public static void SaveCheckpoint(Trainer trainer, string path, ModelSaveOptions options)
        {
            if (trainer is null) throw new ArgumentNullException(nameof(trainer));
            if (options is null) throw new ArgumentNullException(nameof(options));
            ModelFileWriter.CheckMetadata(options.Metadata);
            AtomicFile.Write(path, stream =>
            {
                using (var buffer = new StreamBufferWriter(stream))
                {
                    SaveCheckpoint(trainer, buffer, options);
                    buffer.Flush();
                }
            });
        }

        // ---- Load a new model ------------------------------------------------------------------------------------

        /// <summary>Builds a model from file bytes (read in place).</summary>
        public static Mlp Load(ReadOnlyMemory<byte> data, ModelLoadOptions? options = null)
        {
            ParsedModelFile file = ModelFileReader.Parse(data, options ?? ModelLoadOptions.Default, false);
            return Build(file);
        }

        /// <summary>Builds a model from file bytes.</summary>
        public static Mlp Load(byte[] data, ModelLoadOptions? options = null) =>
            Load(new ReadOnlyMemory<byte>(data ?? throw new ArgumentNullException(nameof(data))), options);

        /// <summary>Builds a model from file bytes (read in place, no copy).</summary>
        public static unsafe Mlp Load(ReadOnlySpan<byte> data, ModelLoadOptions? options = null)
        {
            fixed (byte* p = &MemoryMarshal.GetReference(data)) // not GetPinnableReference: see Kernels.SpanAccess
            {
                using (var memory = new PinnedMemory(p, data.Length))
                    return Load(memory.Memory, options);
            }
        }

        /// <summary>Builds a model from the rest of <paramref name="input"/>.</summary>
        public static Mlp Load(Stream input, ModelLoadOptions? options = null)
        {
            options ??= ModelLoadOptions.Default;
            int length = StreamInput.ReadAll(input, options.MaxFileBytes, out byte[] buffer);
            try { return Load(new ReadOnlyMemory<byte>(buffer, 0, length), options); }
            finally { StreamInput.Release(buffer); }
        }

        /// <summary>Builds a model from the file at <paramref name="path"/>.</summary>
        public static Mlp Load(string path, ModelLoadOptions? options = null)
        {
            using (FileStream stream = OpenRead(path))
                return Load(stream, options);
        }

        // ---- Load into an existing model --------------------------------------------------------------------------

        /// <summary>
        /// Overwrites the parameters of <paramref name="model"/> with a file of the same shape (inputs, units,
        /// activations, biases), reusing its arena. The file is validated whole first: on any error the model is unchanged.
        /// </summary>
        public static void LoadInto(Mlp model, ReadOnlyMemory<byte> data, ModelLoadOptions? options = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            ParsedModelFile file = ModelFileReader.Parse(data, options ?? ModelLoadOptions.Default, false);
            CheckShape(model, file);
            Fill(model, file);
        }

        /// <summary>Overwrites the parameters of <paramref name="model"/> from file bytes.</summary>
        public static void LoadInto(Mlp model, byte[] data, ModelLoadOptions? options = null) =>
            LoadInto(model, new ReadOnlyMemory<byte>(data ?? throw new ArgumentNullException(nameof(data))), options);

        /// <summary>Overwrites the parameters of <paramref name="model"/> from file bytes (read in place).</summary>
        public static unsafe void LoadInto(Mlp model, ReadOnlySpan<byte> data, ModelLoadOptions? options = null)
        {
            fixed (byte* p = &MemoryMarshal.GetReference(data)) // not GetPinnableReference: see Kernels.SpanAccess
            {
                using (var memory = new PinnedMemory(p, data.Length))
                    LoadInto(model, memory.Memory, options);
            }
        }

        /// <summary>Overwrites the parameters of <paramref name="model"/> from the rest of <paramref name="input"/>.</summary>
        public static void LoadInto(Mlp model, Stream input, ModelLoadOptions? options = null)
        {
            options ??= ModelLoadOptions.Default;
            int length = StreamInput.ReadAll(input, options.MaxFileBytes, out byte[] buffer);
            try { LoadInto(model, new ReadOnlyMemory<byte>(buffer, 0, length), options); }
            finally { StreamInput.Release(buffer); }
        }

        /// <summary>Overwrites the parameters of <paramref name="model"/> from the file at <paramref name="path"/>.</summary>
        public static void LoadInto(Mlp model, string path, ModelLoadOptions? options = null)
        {
            using (FileStream stream = OpenRead(path))
                LoadInto(model, stream, options);
        }

        /// <summary>The <c>metadata</c> map of a file (empty when it has none), after validating the whole file.</summary>
        public static IReadOnlyDictionary<string, string> ReadMetadata(ReadOnlyMemory<byte> data, ModelLoadOptions? options = null)
        {
            ParsedModelFile file = ModelFileReader.Parse(data, options ?? ModelLoadOptions.Default, true);
            return file.Metadata ?? new Dictionary<string, string>();
        }

        // ---- Checkpoints --------------------------------------------------------------------------------------------

        /// <summary>
        /// Builds a fresh model and trainer from a checkpoint: weights, optimizer moments, step count, learning rate,
        /// clipping, batch size and PRNG state, so that training continues exactly where it was saved.
        /// </summary>
        public static Trainer LoadCheckpoint(ReadOnlyMemory<byte> data, ModelLoadOptions? options = null)
        {
            ParsedModelFile file = ModelFileReader.Parse(data, options ?? ModelLoadOptions.Default, false);
            ParsedTraining t = file.Training ?? throw new ModelFormatException(ModelFileKeys.Training, "a training map (this is a checkpoint load)", "no such key");
            Mlp model = Build(file);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = t.MaxBatch, Optimizer = t.Settings!, ClipNorm = t.ClipNorm });
            Optimizer optimizer = trainer.OptimizerState;
            if (optimizer is SgdOptimizer sgd && t.HasMomentumBuffer)
                BlobCodec.Decode(t.MomentumBuffer.Span, ModelDtype.F32, sgd.MomentumBuffer);
            if (optimizer is AdamOptimizer adam)
            {
                BlobCodec.Decode(t.ExpAvg.Span, ModelDtype.F32, adam.FirstMoment);
                BlobCodec.Decode(t.ExpAvgSq.Span, ModelDtype.F32, adam.SecondMoment);
            }
            trainer.RestoreState(t.Step, t.LearningRate, Xoshiro128.FromState(t.Rng[0], t.Rng[1], t.Rng[2], t.Rng[3]));
            return trainer;
        }

        /// <summary>Builds a fresh model and trainer from checkpoint bytes.</summary>
        public static Trainer LoadCheckpoint(byte[] data, ModelLoadOptions? options = null) =>
            LoadCheckpoint(new ReadOnlyMemory<byte>(data ?? throw new ArgumentNullException(nameof(data))), options);

        /// <summary>Builds a fresh model and trainer from the rest of <paramref name="input"/>.</summary>
        public static Trainer LoadCheckpoint(Stream input, ModelLoadOptions? options = null)
        {
            options ??= ModelLoadOptions.Default;
            int length = StreamInput.ReadAll(input, options.MaxFileBytes, out byte[] buffer);
            try { return LoadCheckpoint(new ReadOnlyMemory<byte>(buffer, 0, length), options); }
            finally { StreamInput.Release(buffer); }
        }

        /// <summary>Builds a fresh model and trainer from the checkpoint file at <paramref name="path"/>.</summary>
        public static Trainer LoadCheckpoint(string path, ModelLoadOptions? options = null)
        {
            using (FileStream stream = OpenRead(path))
                return LoadCheckpoint(stream, options);
        }

        // ---- Helpers ------------------------------------------------------------------------------------------------

        private static FileStream OpenRead(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }

        private static Mlp Build(ParsedModelFile file)
        {
            var specs = new LayerSpec[file.Layers.Length];
            for (int i = 0; i < specs.Length; i++)
                specs[i] = new LayerSpec(file.Layers[i].Units, file.Layers[i].Activation, file.Layers[i].HasBias);
            var model = new Mlp(file.Inputs, specs, 0);
            Fill(model, file);
            return model;
        }

        private static void CheckShape(Mlp model, ParsedModelFile file)
        {
            const string why = " (the shape of the model loaded into)";
            if (file.Inputs != model.InputCount)
                throw new ModelFormatException(ModelFileKeys.Inputs, model.InputCount + why, file.Inputs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (file.Layers.Length != model.LayerCount)
                throw new ModelFormatException(ModelFileKeys.Layers, $"{model.LayerCount} layers{why}", $"{file.Layers.Length} layers");
            for (int i = 0; i < file.Layers.Length; i++)
            {
                LayerLayout l = model.GetLayout(i);
                ParsedLayer p = file.Layers[i];
                if (p.Units != l.Units)
                    throw new ModelFormatException($"layers[{i}].units", l.Units + why, p.Units.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (p.Activation != l.Activation)
                    throw new ModelFormatException($"layers[{i}].activation", l.Activation.ToName() + why, p.Activation.ToName());
                if (p.HasBias != l.HasBias)
                    throw new ModelFormatException($"layers[{i}].bias", (l.HasBias ? "a bias" : "no bias") + why, p.HasBias ? "a bias" : "none");
            }
        }

        private static void Fill(Mlp model, ParsedModelFile file)
        {
            for (int i = 0; i < file.Layers.Length; i++)
            {
                BlobCodec.Decode(file.Layers[i].Weight.Span, file.Dtype, model.GetWeights(i));
                if (file.Layers[i].HasBias) BlobCodec.Decode(file.Layers[i].Bias.Span, file.Dtype, model.GetBias(i));
            }
        }
    }
}
