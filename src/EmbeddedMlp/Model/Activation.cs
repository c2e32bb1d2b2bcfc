namespace EmbeddedMlp
{
    /// <summary>Activation applied element-wise (or row-wise for <see cref="Softmax"/>) after a dense layer.</summary>
    public enum Activation
    {
        /// <summary>f(z) = z.</summary>
        Identity = 0,
        /// <summary>f(z) = max(0, z); f'(0) = 0 as in PyTorch.</summary>
        Relu = 1,
        /// <summary>f(z) = z for z &gt; 0, else 0.01·z (PyTorch's default negative slope).</summary>
        LeakyRelu = 2,
        /// <summary>f(z) = tanh(z).</summary>
        Tanh = 3,
        /// <summary>f(z) = 1 / (1 + e^−z).</summary>
        Sigmoid = 4,
        /// <summary>Row-wise softmax; allowed on the last layer only, where it pairs with cross-entropy.</summary>
        Softmax = 5,
    }

    /// <summary>Names of activations as they appear in model files and on command lines.</summary>
    public static class ActivationNames
    {
        /// <summary>The file/CLI name: <c>identity</c>, <c>relu</c>, <c>leaky_relu</c>, <c>tanh</c>, <c>sigmoid</c>, <c>softmax</c>.</summary>
        public static string ToName(this Activation activation)
        {
            switch (activation)
            {
                case Activation.Identity: return "identity";
                case Activation.Relu: return "relu";
                case Activation.LeakyRelu: return "leaky_relu";
                case Activation.Tanh: return "tanh";
                case Activation.Sigmoid: return "sigmoid";
                case Activation.Softmax: return "softmax";
                default: throw new System.ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        /// <summary>Parses a name produced by <see cref="ToName"/>; returns false for anything else.</summary>
        public static bool TryParse(string? name, out Activation activation)
        {
            switch (name)
            {
                case "identity": activation = Activation.Identity; return true;
                case "relu": activation = Activation.Relu; return true;
                case "leaky_relu": activation = Activation.LeakyRelu; return true;
                case "tanh": activation = Activation.Tanh; return true;
                case "sigmoid": activation = Activation.Sigmoid; return true;
                case "softmax": activation = Activation.Softmax; return true;
                default: activation = Activation.Identity; return false;
            }
        }
    }
}
