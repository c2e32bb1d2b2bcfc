using System;
using System.Collections.Generic;
using EmbeddedMlp.Serialization;
using Google.Protobuf;
using Onnx;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// Reads an ONNX model into an <see cref="Mlp"/>: checks the bytes (size, wire format, element count), parses them,
    /// validates every node, walks the data flow from the graph input to the graph output, matches Linear layers
    /// (Gemm, MatMul [+ Add]) and their activations, and only then allocates the model and decodes the weights into
    /// its arena. Every problem is a <see cref="ModelFormatException"/> naming the node (index, name, op type).
    /// </summary>
    internal sealed partial class OnnxImporter
    {
        /// <summary>Default-domain opsets accepted: what PyTorch's exporters write (opset 9 and later), up to ONNX 1.16's.</summary>
        public const int MinOpset = 9, MaxOpset = 21;

        private const string Supported =
            "one of Gemm, MatMul, Add, Relu, LeakyRelu, Tanh, Sigmoid, Softmax, Identity, Flatten, Reshape, Constant, Transpose";

        private static readonly MessageParser<ModelProto> Parser = ModelProto.Parser.WithDiscardUnknownFields(true);

        private readonly OnnxImportOptions _options;
        private readonly ModelProto _model;
        private readonly GraphProto _graph;
        private int _opset;
        private readonly Dictionary<string, int> _initializers = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _producer = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Use>> _consumers = new Dictionary<string, List<Use>>(StringComparer.Ordinal);
        private readonly Dictionary<int, TensorProto> _constantValues = new Dictionary<int, TensorProto>();
        private bool[] _initializerUsed = Array.Empty<bool>();
        private bool[] _onPath = Array.Empty<bool>();
        private bool[] _constUsed = Array.Empty<bool>();
        private string _inputName = "";
        private string _outputName = "";
        private int _inputWidth;
        private long _parameters;

        private OnnxImporter(ModelProto model, OnnxImportOptions options)
        {
            _model = model;
            _options = options;
            _graph = model.Graph ?? throw new ModelFormatException("graph", "a graph", "none");
        }

        private Google.Protobuf.Collections.RepeatedField<NodeProto> Nodes => _graph.Node;

        // ---- Entry -------------------------------------------------------------------------------------------------

        public static Mlp Import(byte[] bytes, OnnxImportOptions options, out Dictionary<string, string> metadata)
        {
            if (bytes.Length > options.MaxBytes)
                throw new ModelFormatException("(file)", $"at most {options.MaxBytes} bytes (OnnxImportOptions.MaxBytes)", $"{bytes.Length} bytes");
            if (bytes.Length == 0)
                throw new ModelFormatException("(file)", "an ONNX model (a protobuf ModelProto)", "an empty file");
            WireScan.Check(bytes, ModelProto.Descriptor, options.MaxElements);
            ModelProto model;
            try
            {
                model = Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new ModelFormatException("(file)", "(file): expected a well-formed ONNX protobuf, found " + e.Message.TrimEnd('.') + ".", e);
            }
            var importer = new OnnxImporter(model, options);
            return importer.Run(out metadata);
        }

        private Mlp Run(out Dictionary<string, string> metadata)
        {
            CheckModel(out metadata);
            IndexInitializers();
            for (int i = 0; i < Nodes.Count; i++) CheckNode(i); // first: an unsupported op is the clearest message
            CheckGraphInterface();
            IndexValues();
            CheckAcyclic();
            List<LayerPlan> layers = Walk();
            CheckEverythingUsed();
            return Build(layers);
        }
    }
}
