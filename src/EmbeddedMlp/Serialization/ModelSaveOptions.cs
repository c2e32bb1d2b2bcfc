using System.Collections.Generic;

namespace EmbeddedMlp.Serialization
{
    /// <summary>What a save writes beyond the weights.</summary>
    public sealed class ModelSaveOptions
    {
        /// <summary>The defaults (f32, no metadata).</summary>
        internal static readonly ModelSaveOptions Default = new ModelSaveOptions();

        /// <summary>Element type of the weight and bias blobs. Default <see cref="ModelDtype.F32"/>. Checkpoints always use f32.</summary>
        public ModelDtype Dtype { get; set; } = ModelDtype.F32;

        /// <summary>Free-text <c>metadata</c> (name, author, training notes); null or empty writes none.</summary>
        public IReadOnlyDictionary<string, string>? Metadata { get; set; }
    }
}
