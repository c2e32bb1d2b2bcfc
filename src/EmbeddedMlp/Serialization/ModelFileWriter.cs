using System;
using System.Collections.Generic;
using EmbeddedMlp.Training;
using MessagePack;

namespace EmbeddedMlp.Serialization
{
    /// <summary>Writes format v1 with a <see cref="MessagePackWriter"/> (no resolvers, no reflection).</summary>
    internal static class ModelFileWriter
    {
        public static void CheckMetadata(IReadOnlyDictionary<string, string>? metadata)
        {
            if (metadata is null) return;
            foreach (KeyValuePair<string, string> kv in metadata)
                if (kv.Key is null || kv.Value is null)
                    throw new ArgumentException($"metadata: expected non-null keys and values, found a null {(kv.Key is null ? "key" : "value for key \"" + kv.Key + "\"")}.", nameof(metadata));
        }

        public static void Write(ref MessagePackWriter w, Mlp model, ModelDtype dtype, IReadOnlyDictionary<string, string>? metadata, Trainer? trainer)
        {
            bool hasMetadata = metadata != null && metadata.Count > 0;
            w.WriteMapHeader(5 + (hasMetadata ? 1 : 0) + (trainer != null ? 1 : 0));
            w.Write(ModelFileKeys.Format); w.Write(ModelFileKeys.FormatName);
            w.Write(ModelFileKeys.VersionKey); w.Write(ModelFileKeys.Version);
            w.Write(ModelFileKeys.Inputs); w.Write(model.InputCount);
            w.Write(ModelFileKeys.Dtype); w.Write(BlobCodec.Name(dtype));
            w.Write(ModelFileKeys.Layers);
            w.WriteArrayHeader(model.LayerCount);
            for (int i = 0; i < model.LayerCount; i++)
            {
                LayerLayout l = model.GetLayout(i);
                w.WriteMapHeader(l.HasBias ? 4 : 3);
                w.Write(ModelFileKeys.Units); w.Write(l.Units);
                w.Write(ModelFileKeys.Activation); w.Write(l.Activation.ToName());
                w.Write(ModelFileKeys.Weight); BlobCodec.Write(ref w, model.GetWeights(i), dtype);
                if (l.HasBias) { w.Write(ModelFileKeys.Bias); BlobCodec.Write(ref w, model.GetBias(i), dtype); }
            }
            if (hasMetadata)
            {
                w.Write(ModelFileKeys.Metadata);
                w.WriteMapHeader(metadata!.Count);
                foreach (KeyValuePair<string, string> kv in metadata) { w.Write(kv.Key); w.Write(kv.Value); }
            }
            if (trainer != null)
            {
                w.Write(ModelFileKeys.Training);
                TrainingStateWriter.Write(ref w, trainer);
            }
            w.Flush();
        }
    }
}
