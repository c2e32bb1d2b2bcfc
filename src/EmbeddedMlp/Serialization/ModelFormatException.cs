using System;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// The one exception a model or checkpoint load throws for bad input, whatever the bytes: its message names the
    /// field (e.g. <c>layers[1].weight</c>), what was expected and what was found.
    /// </summary>
    public sealed class ModelFormatException : Exception
    {
        /// <summary>Creates the exception for <paramref name="field"/>.</summary>
        public ModelFormatException(string field, string expected, string found)
            : base($"{field}: expected {expected}, found {found}.")
        {
            Field = field;
        }

        /// <summary>Creates the exception with a complete message and the exception that revealed the problem.</summary>
        public ModelFormatException(string field, string message, Exception? inner)
            : base(message, inner)
        {
            Field = field;
        }

        /// <summary>The field at fault, as a path from the top-level map: <c>layers[1].weight</c>, <c>training.step</c>, <c>(file)</c>.</summary>
        public string Field { get; }
    }
}
