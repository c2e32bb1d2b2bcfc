namespace EmbeddedMlp.Serialization
{
    /// <summary>Element type of every weight and bias blob in a model file (the file's <c>dtype</c>).</summary>
    public enum ModelDtype
    {
        /// <summary>IEEE 754 binary32, little-endian, 4 bytes per element (<c>"f32"</c>, the default).</summary>
        F32 = 0,
        /// <summary>IEEE 754 binary16, little-endian, 2 bytes per element (<c>"f16"</c>): half the size, ~3 decimal digits.</summary>
        F16 = 1,
    }
}
