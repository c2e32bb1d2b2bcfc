using System;
using System.Collections.Generic;

namespace EmbeddedMlp.Serialization
{
    /// <summary>One layer of a validated file: shape and its blobs as slices of the input (not copied).</summary>
    internal struct ParsedLayer
    {
        public int Units;
        public int FanIn;
        public Activation Activation;
        public bool HasBias;
        public ReadOnlyMemory<byte> Weight;
        public ReadOnlyMemory<byte> Bias;
    }

    /// <summary>A file that passed every check: nothing in it can fail once the model is built from it.</summary>
    internal sealed class ParsedModelFile
    {
        public int Inputs;
        public ModelDtype Dtype;
        public ParsedLayer[] Layers = Array.Empty<ParsedLayer>();
        public long ParameterCount;
        public Dictionary<string, string>? Metadata;
        public ParsedTraining? Training;
    }

    /// <summary>The validated <c>training</c> map of a checkpoint.</summary>
    internal sealed class ParsedTraining
    {
        public Training.OptimizerKind Kind;
        public long Step;
        public float LearningRate;
        public float InitialLearningRate;
        public float Momentum;
        public float Dampening;
        public bool Nesterov;
        public float WeightDecay;
        public float Beta1;
        public float Beta2;
        public float Epsilon;
        public float ClipNorm;
        public int MaxBatch;
        public uint[] Rng = new uint[4];
        public ReadOnlyMemory<byte> MomentumBuffer;
        public ReadOnlyMemory<byte> ExpAvg;
        public ReadOnlyMemory<byte> ExpAvgSq;
        public bool HasMomentumBuffer, HasExpAvg, HasExpAvgSq;
        public Training.OptimizerSettings? Settings;
    }
}
