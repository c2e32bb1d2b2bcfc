using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// What a model file holds, read without building a model: shape, element type, metadata and whether it carries
    /// training state (a checkpoint). The whole file is validated as a load would.
    /// </summary>
    public sealed class ModelFileInfo
    {
        private ModelFileInfo(int inputs, ModelDtype dtype, LayerSpec[] layers, long parameterCount,
            IReadOnlyDictionary<string, string> metadata, ParsedTraining? training)
        {
            Inputs = inputs;
            Dtype = dtype;
            Layers = new ReadOnlyCollection<LayerSpec>(layers);
            ParameterCount = parameterCount;
            Metadata = metadata;
            HasTrainingState = training != null;
            if (training != null)
            {
                Optimizer = training.Settings;
                TrainingStep = training.Step;
                LearningRate = training.LearningRate;
                MaxBatch = training.MaxBatch;
                ClipNorm = training.ClipNorm;
            }
        }

        /// <summary>Reads and validates file bytes (every problem is a <see cref="ModelFormatException"/>).</summary>
        public static ModelFileInfo Read(ReadOnlyMemory<byte> data, ModelLoadOptions? options = null)
        {
            ParsedModelFile file = ModelFileReader.Parse(data, options ?? ModelLoadOptions.Default, true);
            var layers = new LayerSpec[file.Layers.Length];
            for (int i = 0; i < layers.Length; i++)
                layers[i] = new LayerSpec(file.Layers[i].Units, file.Layers[i].Activation, file.Layers[i].HasBias);
            IReadOnlyDictionary<string, string> metadata = file.Metadata ?? new Dictionary<string, string>();
            return new ModelFileInfo(file.Inputs, file.Dtype, layers, file.ParameterCount, metadata, file.Training);
        }

        /// <summary>Input width.</summary>
        public int Inputs { get; }
        /// <summary>Element type of the weight and bias blobs.</summary>
        public ModelDtype Dtype { get; }
        /// <summary>The layers from input to output (initialisation is not stored in files: <see cref="WeightInit.Auto"/>).</summary>
        public IReadOnlyList<LayerSpec> Layers { get; }
        /// <summary>Weights and biases of all layers.</summary>
        public long ParameterCount { get; }
        /// <summary>The <c>metadata</c> map (empty when the file has none).</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }
        /// <summary>Whether the file has a <c>training</c> map (optimizer state: a checkpoint).</summary>
        public bool HasTrainingState { get; }
        /// <summary>The checkpoint's optimizer settings; null without training state.</summary>
        public OptimizerSettings? Optimizer { get; }
        /// <summary>The checkpoint's update count (<c>training.step</c>); 0 without training state.</summary>
        public long TrainingStep { get; }
        /// <summary>The checkpoint's current learning rate; 0 without training state.</summary>
        public float LearningRate { get; }
        /// <summary>The checkpoint's trainer batch capacity (<c>training.max_batch</c>); 0 without training state.</summary>
        public int MaxBatch { get; }
        /// <summary>The checkpoint's clipping threshold (0 = off); 0 without training state.</summary>
        public float ClipNorm { get; }
    }
}
