using System;
using System.Buffers;
using System.Globalization;
using EmbeddedMlp.Training;
using MessagePack;
using static EmbeddedMlp.Serialization.MsgPackInput;

namespace EmbeddedMlp.Serialization
{
    /// <summary>Parses and validates the <c>training</c> map (docs/format.md, "Checkpoints") against the parsed model.</summary>
    internal static class TrainingStateReader
    {
        private const string Training = ModelFileKeys.Training;

        // Bits of the keys in ModelFileKeys.TrainingMap.
        private const int KOptimizer = 0, KStep = 1, KLr = 2, KInitialLr = 3, KMomentum = 4, KDampening = 5, KNesterov = 6,
            KWeightDecay = 7, KBeta1 = 8, KBeta2 = 9, KEpsilon = 10, KClipNorm = 11, KMaxBatch = 12, KRng = 13,
            KMomentumBuffer = 14, KExpAvg = 15, KExpAvgSq = 16;

        private const int Common = 1 << KOptimizer | 1 << KStep | 1 << KLr | 1 << KInitialLr | 1 << KWeightDecay | 1 << KClipNorm | 1 << KMaxBatch | 1 << KRng;
        private const int SgdOnly = 1 << KMomentum | 1 << KDampening | 1 << KNesterov | 1 << KMomentumBuffer;
        private const int AdamOnly = 1 << KBeta1 | 1 << KBeta2 | 1 << KEpsilon | 1 << KExpAvg | 1 << KExpAvgSq;

        public static ParsedTraining Parse(ref MessagePackReader reader, ParsedModelFile model, ModelLoadOptions options)
        {
            var t = new ParsedTraining();
            int entries = ReadMapHeader(ref reader, new FieldName(Training));
            int seen = 0;
            bool kindKnown = false;
            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> key = ReadStringBytes(ref reader, new FieldName(Training + " key"), out _);
                int k = ModelFileKeys.IndexOf(ModelFileKeys.TrainingMap, key);
                if (k < 0)
                    throw new ModelFormatException(Training, "only the keys listed in docs/format.md", "key " + Quote(key));
                var field = new FieldName(Training, -1, Names[k]); // formatted only on error
                if ((seen & (1 << k)) != 0)
                    throw new ModelFormatException(Training, "each key once", $"key \"{KeyName(k)}\" twice");
                seen |= 1 << k;
                switch (k)
                {
                    case KOptimizer:
                        ReadOnlySpan<byte> kind = ReadStringBytes(ref reader, field, out _);
                        if (kind.SequenceEqual(ModelFileKeys.Sgd)) t.Kind = OptimizerKind.Sgd;
                        else if (kind.SequenceEqual(ModelFileKeys.Adam)) t.Kind = OptimizerKind.Adam;
                        else if (kind.SequenceEqual(ModelFileKeys.AdamW)) t.Kind = OptimizerKind.AdamW;
                        else throw new ModelFormatException(KeyName(k), "\"sgd\", \"adam\" or \"adamw\"", Quote(kind));
                        kindKnown = true;
                        break;
                    case KStep:
                        t.Step = ReadInt64(ref reader, field);
                        if (t.Step < 0) throw new ModelFormatException(KeyName(k), "int ≥ 0", t.Step.ToString(CultureInfo.InvariantCulture));
                        break;
                    case KLr: t.LearningRate = ReadSingle(ref reader, field); break;
                    case KInitialLr: t.InitialLearningRate = ReadSingle(ref reader, field); break;
                    case KMomentum: t.Momentum = ReadSingle(ref reader, field); break;
                    case KDampening: t.Dampening = ReadSingle(ref reader, field); break;
                    case KNesterov: t.Nesterov = ReadBoolean(ref reader, field); break;
                    case KWeightDecay: t.WeightDecay = ReadSingle(ref reader, field); break;
                    case KBeta1: t.Beta1 = ReadSingle(ref reader, field); break;
                    case KBeta2: t.Beta2 = ReadSingle(ref reader, field); break;
                    case KEpsilon: t.Epsilon = ReadSingle(ref reader, field); break;
                    case KClipNorm: t.ClipNorm = ReadSingle(ref reader, field); break;
                    case KMaxBatch: t.MaxBatch = ReadInt32(ref reader, field, 1, options.MaxTrainerBatch, "ModelLoadOptions.MaxTrainerBatch"); break;
                    case KRng:
                        int n = ReadArrayHeader(ref reader, field);
                        if (n != 4) throw new ModelFormatException(KeyName(k), "an array of 4 uint32 (xoshiro128** state)", $"{n} elements");
                        uint any = 0;
                        for (int i = 0; i < 4; i++)
                        {
                            long w = ReadInt64(ref reader, new FieldName(KeyName(k), i, ""));
                            if (w < 0 || w > uint.MaxValue)
                                throw new ModelFormatException($"{KeyName(k)}[{i}]", $"int in 0..{uint.MaxValue}", w.ToString(CultureInfo.InvariantCulture));
                            t.Rng[i] = (uint)w;
                            any |= (uint)w;
                        }
                        if (any == 0) throw new ModelFormatException(KeyName(k), "at least one non-zero word", "all four zero");
                        break;
                    case KMomentumBuffer: t.MomentumBuffer = Blob(ref reader, field); t.HasMomentumBuffer = true; break;
                    case KExpAvg: t.ExpAvg = Blob(ref reader, field); t.HasExpAvg = true; break;
                    case KExpAvgSq: t.ExpAvgSq = Blob(ref reader, field); t.HasExpAvgSq = true; break;
                }
            }

            for (int k = 0; k < ModelFileKeys.TrainingMap.Length; k++)
                if ((Common & (1 << k)) != 0 && (seen & (1 << k)) == 0)
                    throw new ModelFormatException(KeyName(k), "a value (the key is required)", "no such key");
            if (!kindKnown) throw new ModelFormatException(KeyName(KOptimizer), "a value (the key is required)", "no such key");

            bool sgd = t.Kind == OptimizerKind.Sgd;
            int foreign = seen & (sgd ? AdamOnly : SgdOnly);
            if (foreign != 0)
            {
                int k = 0;
                while ((foreign & (1 << k)) == 0) k++;
                throw new ModelFormatException(KeyName(k), $"no such key for optimizer {KindName(t.Kind)}", "one");
            }
            if (sgd)
            {
                Require(seen, KMomentum);
                bool hasMomentum = t.Momentum != 0f;
                if (hasMomentum) Require(seen, KMomentumBuffer);
                else if (t.HasMomentumBuffer) throw new ModelFormatException(KeyName(KMomentumBuffer), "no buffer when momentum is 0", "one");
                try { t.Settings = OptimizerSettings.Sgd(t.InitialLearningRate, t.Momentum, t.WeightDecay, t.Nesterov, t.Dampening); }
                catch (ArgumentException e) { throw new ModelFormatException(Training, Training + ": " + e.Message, e); }
            }
            else
            {
                Require(seen, KBeta1); Require(seen, KBeta2); Require(seen, KEpsilon); Require(seen, KExpAvg); Require(seen, KExpAvgSq);
                try
                {
                    t.Settings = t.Kind == OptimizerKind.Adam
                        ? OptimizerSettings.Adam(t.InitialLearningRate, t.Beta1, t.Beta2, t.Epsilon, t.WeightDecay)
                        : OptimizerSettings.AdamW(t.InitialLearningRate, t.Beta1, t.Beta2, t.Epsilon, t.WeightDecay);
                }
                catch (ArgumentException e) { throw new ModelFormatException(Training, Training + ": " + e.Message, e); }
            }
            if (!(t.LearningRate >= 0f) || float.IsInfinity(t.LearningRate))
                throw new ModelFormatException(KeyName(KLr), "a finite value ≥ 0", t.LearningRate.ToString(CultureInfo.InvariantCulture));
            if (!(t.ClipNorm >= 0f) || float.IsInfinity(t.ClipNorm))
                throw new ModelFormatException(KeyName(KClipNorm), "a finite value ≥ 0 (0 = off)", t.ClipNorm.ToString(CultureInfo.InvariantCulture));

            // The trainer allocates max_batch × (Σ units + 2 × widest layer) floats of workspace: bound it like the parameters.
            long units = 0, widest = 0;
            foreach (ParsedLayer layer in model.Layers) { units += layer.Units; widest = Math.Max(widest, layer.Units); }
            long workspace = t.MaxBatch * (units + 2 * widest);
            if (workspace > options.MaxParameters)
                throw new ModelFormatException(KeyName(KMaxBatch), $"a batch whose trainer workspace, max_batch × (Σ units + 2 × widest) floats, is at most {options.MaxParameters} (ModelLoadOptions.MaxParameters)",
                    $"{t.MaxBatch} × ({units} + 2 × {widest}) = {workspace}");

            long bytes = model.ParameterCount * 4;
            if (t.HasMomentumBuffer) CheckBlob(t.MomentumBuffer, bytes, model.ParameterCount, KMomentumBuffer, options);
            if (t.HasExpAvg) CheckBlob(t.ExpAvg, bytes, model.ParameterCount, KExpAvg, options);
            if (t.HasExpAvgSq) CheckBlob(t.ExpAvgSq, bytes, model.ParameterCount, KExpAvgSq, options);
            return t;
        }

        private static ReadOnlyMemory<byte> Blob(ref MessagePackReader reader, FieldName field) =>
            ModelFileReader.ToMemory(ReadBytes(ref reader, field, false)!.Value);

        private static void CheckBlob(ReadOnlyMemory<byte> blob, long bytes, long parameters, int k, ModelLoadOptions options)
        {
            if (blob.Length != bytes)
                throw new ModelFormatException(KeyName(k), $"{bytes} bytes ({parameters} parameters × f32)", blob.Length.ToString(CultureInfo.InvariantCulture));
            if (!options.AllowNonFinite) ModelFileReader.CheckFinite(blob.Span, ModelDtype.F32, new FieldName(Training, -1, Names[k]));
        }

        private static void Require(int seen, int k)
        {
            if ((seen & (1 << k)) == 0)
                throw new ModelFormatException(KeyName(k), "a value (the key is required for this optimizer)", "no such key");
        }

        internal static string KindName(OptimizerKind kind) => kind == OptimizerKind.Sgd ? "sgd" : kind == OptimizerKind.Adam ? "adam" : "adamw";

        private static readonly string[] Names = BuildNames();

        private static string[] BuildNames()
        {
            var names = new string[ModelFileKeys.TrainingMap.Length];
            for (int k = 0; k < names.Length; k++) names[k] = System.Text.Encoding.UTF8.GetString(ModelFileKeys.TrainingMap[k]);
            return names;
        }

        private static string KeyName(int k) => Training + "." + Names[k];
    }
}
