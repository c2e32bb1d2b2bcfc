using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EmbeddedMlp.Serialization;
using Google.Protobuf;
using NUnit.Framework;
using Onnx;
using static EmbeddedMlp.Onnx.Tests.OnnxGraph;

namespace EmbeddedMlp.Onnx.Tests
{
    /// <summary>
    /// Files a player (or a broken tool) could hand the importer: each is refused with a <see cref="ModelFormatException"/>
    /// whose message names the node (index, name, op type) or the field at fault and why — never another exception,
    /// never an allocation sized by what the file claims.
    /// </summary>
    [TestFixture]
    public class HostileInputTests
    {
        private static ModelFormatException Rejects(byte[] bytes, OnnxImportOptions? options = null)
        {
            var e = Assert.Throws<ModelFormatException>(() => OnnxModel.Import(bytes, options))!;
            Assert.That(e.Field, Is.Not.Empty);
            Assert.That(e.Message.Length, Is.LessThan(600), e.Message);
            TestContext.Out.WriteLine(e.Message);
            return e;
        }

        private static ModelFormatException Rejects(OnnxGraph g, params string[] fragments)
        {
            ModelFormatException e = Rejects(g.Bytes());
            foreach (string f in fragments) Assert.That(e.Message, Does.Contain(f));
            return e;
        }

        /// <summary>x [N, 3] → Gemm(W [4, 3], b) → Relu → y; the node names are gemm_0, relu_1.</summary>
        private static OnnxGraph Valid(int opset = 13)
        {
            var g = new OnnxGraph(3, opset);
            string h = g.Node("Gemm", new[] { "x", g.Init("W", new float[12], 4, 3), g.Init("b", new float[4], 4) }, "h", I("transB", 1));
            g.Node("Relu", new[] { h }, "y");
            return g;
        }

        private static byte[] ValidExport() =>
            OnnxModel.Export(new Mlp(3, new[] { new LayerSpec(8, Activation.Relu), new LayerSpec(2, Activation.Softmax) }, 1));

        [Test]
        public void TheValidBaseImports() => Assert.That(OnnxModel.Import(Valid().Bytes()).ParameterCount, Is.EqualTo(16));

        [Test]
        public void EmptyTruncatedAndRandomBytes()
        {
            Assert.That(Rejects(Array.Empty<byte>()).Message, Does.Contain("empty file"));
            byte[] valid = ValidExport();
            for (int cut = 1; cut < valid.Length; cut += Math.Max(1, valid.Length / 97))
                Rejects(valid.AsSpan(0, cut).ToArray());
            var rng = new Random(77);
            for (int i = 0; i < 500; i++)
            {
                var bytes = new byte[rng.Next(1, 300)];
                rng.NextBytes(bytes);
                Rejects(bytes);
            }
            Assert.That(Rejects(System.Text.Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><model/>")).Field, Is.EqualTo("(file)"));
        }

        [Test]
        public void ForgedLengthsAreCaughtBeforeAllocation()
        {
            // A graph field (tag 0x3a, field 7) claiming 2 GiB, and a raw_data claiming 1 GiB inside a valid file.
            byte[] valid = ValidExport();
            byte[] forged = valid.ToArray();
            int graph = Array.IndexOf(forged, (byte)0x3a);
            byte[] withHugeGraph = forged.Take(graph + 1).Concat(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x07 }).Concat(forged.Skip(graph + 2)).ToArray();
            Assert.That(Rejects(withHugeGraph).Message, Does.Contain("bytes left"));

            TensorProto w = RawF32("W", new float[2], 1, 2);
            byte[] tensor = w.ToByteArray();
            int raw = Array.IndexOf(tensor, (byte)0x4a); // raw_data: field 9, wire type 2
            byte[] lying = tensor.Take(raw + 1).Concat(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x04 }).Concat(tensor.Skip(raw + 2)).ToArray();
            var g = Valid();
            byte[] file = g.Bytes();
            // Append a forged initializer to the graph: re-encode the graph field by hand (the generated code would not write a lie).
            var graphBytes = g.Graph.ToByteArray().Concat(new byte[] { 0x2a }).Concat(Varint((ulong)lying.Length)).Concat(lying).ToArray();
            var model = new ModelProto(g.Model) { Graph = null };
            byte[] forgedFile = model.ToByteArray().Concat(new byte[] { 0x3a }).Concat(Varint((ulong)graphBytes.Length)).Concat(graphBytes).ToArray();
            Assert.That(Rejects(forgedFile).Message, Does.Contain("bytes left"));
            Assert.That(file.Length, Is.GreaterThan(0));
        }

        private static byte[] Varint(ulong v)
        {
            var b = new List<byte>();
            while (v >= 0x80) { b.Add((byte)(v | 0x80)); v >>= 7; }
            b.Add((byte)v);
            return b.ToArray();
        }

        [Test]
        public void HugeDimensionsAreRejectedBeforeAllocation()
        {
            // dims 2^31 with 8 bytes of raw_data.
            var g = new OnnxGraph(3);
            g.Node("Gemm", new[] { "x", g.Init("W", new float[2], 1L << 31, 3) }, "y", I("transB", 1));
            ModelFormatException e = Rejects(g, "node 0 'gemm_0' (Gemm) input B 'W'", "2147483648", "MaxUnits");

            // 10^12 elements ([10^6, 10^6]) with 8 bytes of raw_data: over MaxParameters (which is at most 2^31 − 65).
            var h = new OnnxGraph(1000000);
            h.Node("MatMul", new[] { "x", h.Init("W", new float[2], 1000000, 1000000) }, "y");
            var raised = new OnnxImportOptions { MaxUnits = int.MaxValue, MaxParameters = long.MaxValue };
            e = Rejects(h.Bytes(), raised);
            Assert.That(e.Message, Does.Contain("node 0 'matmul_0' (MatMul) input B 'W'").And.Contain("elements"));

            // 9·10^8 elements within every raised limit: the 8 bytes of raw_data are checked before anything is allocated.
            var k = new OnnxGraph(30000);
            k.Node("MatMul", new[] { "x", k.Init("W", new float[2], 30000, 30000) }, "y");
            e = Rejects(k.Bytes(), raised);
            Assert.That(e.Message, Does.Contain("(MatMul) input B 'W'").And.Contain("3600000000 bytes of raw_data").And.Contain("found 8 bytes"));

            // Negative and absurd dims; a float_data count that does not match.
            var n = new OnnxGraph(3);
            n.Node("Gemm", new[] { "x", n.Init("W", new float[12], -4, -3) }, "y", I("transB", 1));
            Rejects(n, "dims[0] = -4");
            var f = new OnnxGraph(3);
            f.Node("Gemm", new[] { "x", f.Init(FloatData("W", new float[5], 4, 3)) }, "y", I("transB", 1));
            Rejects(f, "12 values in float_data", "found 5");

            // A feature dimension beyond the limit on the graph input.
            var wide = new OnnxGraph(100000);
            wide.Node("MatMul", new[] { "x", wide.Init("W", new float[1], 1, 1) }, "y");
            Rejects(wide, "graph input 'x'", "MaxUnits", "100000");
        }

        [Test]
        public void MissingInitializer()
        {
            var g = new OnnxGraph(3);
            g.Node("Gemm", new[] { "x", "nowhere" }, "y", I("transB", 1));
            Rejects(g, "node 0 'gemm_0' (Gemm) input B 'nowhere'", "missing initializer");
        }

        [Test]
        public void UnusedInitializerAndDeadNode()
        {
            var g = Valid();
            g.Init("stray", new float[3], 3);
            Rejects(g, "graph.initializer[2] 'stray'", "unused");

            var d = Valid();
            d.Node("Sigmoid", new[] { "h" }, "dead");
            Rejects(d, "value 'h'", "one consumer", "node 2 'sigmoid_2' (Sigmoid)");

            var c = Valid();
            c.Node("Constant", Array.Empty<string>(), "unused_constant", F("value_float", 1f));
            Rejects(c, "node 2 'constant_2' (Constant)", "off that path");
        }

        [Test]
        public void GraphCycles()
        {
            // h = Gemm(x); m = Add(h, k); k = Relu(m): k feeds back into the Add that makes it.
            var g = new OnnxGraph(3);
            g.Node("Gemm", new[] { "x", g.Init("W", new float[12], 4, 3) }, "h", I("transB", 1));
            g.Node("Add", new[] { "h", "k" }, "m");
            g.Node("Relu", new[] { "m" }, "k");
            g.Node("Identity", new[] { "k" }, "y");
            Rejects(g, "cycle", "(Add)");

            // A node consuming its own output.
            var s = new OnnxGraph(3);
            s.Node("Identity", new[] { "x" }, "a");
            s.Node("Add", new[] { "a", "s" }, "s");
            Rejects(s, "node 1 'add_1' (Add)", "cycle");
        }

        [TestCase("Conv")]
        [TestCase("BatchNormalization")]
        [TestCase("LSTM")]
        [TestCase("Dropout")]
        [TestCase("LogSoftmax")]
        public void UnknownOperators(string op)
        {
            var g = new OnnxGraph(3);
            string h = g.Node("Gemm", new[] { "x", g.Init("W", new float[12], 4, 3) }, "h", I("transB", 1));
            g.Node(op, new[] { h }, "y");
            ModelFormatException e = Rejects(g, $"node 1 '{op.ToLowerInvariant()}_1' ({op})", "expected one of Gemm, MatMul, Add, Relu");
            Assert.That(e.Field, Is.EqualTo($"node 1 '{op.ToLowerInvariant()}_1' ({op})"));
        }

        [Test]
        public void CustomDomainOperator()
        {
            var g = Valid();
            g.Graph.Node[1].Domain = "com.microsoft";
            Rejects(g, "node 1 'relu_1' (Relu)", "domain 'com.microsoft'");
        }

        [Test]
        public void TwoInputsTwoOutputsAndNoInput()
        {
            var g = Valid();
            g.Graph.Input.Add(Value("z", TensorProto.Types.DataType.Float, Dim("N"), Dim(3)));
            Rejects(g, "graph.input", "exactly one input", "2: 'x', 'z'");

            var o = Valid();
            o.Graph.Output.Add(Value("h", TensorProto.Types.DataType.Float, Dim("N"), Dim(4)));
            Rejects(o, "graph.output", "exactly one output", "found 2");

            var none = Valid();
            none.Graph.Input.Clear();
            Rejects(none, "graph.input", "found none");
        }

        [Test]
        public void ExternalData()
        {
            var g = new OnnxGraph(3);
            TensorProto w = new TensorProto { Name = "W", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External, Dims = { 4, 3 } };
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
            g.Node("Gemm", new[] { "x", g.Init(w) }, "y", I("transB", 1));
            Rejects(g, "node 0 'gemm_0' (Gemm) input B 'W'", "external data", "data_location = EXTERNAL");
        }

        [Test]
        public void DynamicOrMissingFeatureDimension()
        {
            var g = Valid();
            g.Graph.Input[0].Type.TensorType.Shape.Dim[1] = Dim("features");
            Rejects(g, "graph input 'x'", "fixed feature dimension", "the dynamic dimension 'features'");

            var u = Valid();
            u.Graph.Input[0].Type.TensorType.Shape.Dim[1] = new TensorShapeProto.Types.Dimension();
            Rejects(u, "graph input 'x'", "an unknown dimension");

            var r = Valid();
            r.Graph.Input[0].Type.TensorType.Shape.Dim.Add(Dim(2));
            Rejects(r, "graph input 'x'", "rank 3");

            var s = Valid();
            s.Graph.Input[0].Type.TensorType.Shape = null;
            Rejects(s, "graph input 'x'", "no shape");

            var t = Valid();
            t.Graph.Input[0].Type.TensorType.ElemType = 7;
            Rejects(t, "graph input 'x'", "7 (int64)");
        }

        [Test]
        public void WeightShapesInconsistentBetweenLayers()
        {
            var g = new OnnxGraph(3);
            string h = g.Node("Gemm", new[] { "x", g.Init("W1", new float[12], 4, 3) }, "h", I("transB", 1));
            g.Node("Gemm", new[] { h, g.Init("W2", new float[10], 2, 5) }, "y", I("transB", 1));
            Rejects(g, "node 1 'gemm_1' (Gemm) input B 'W2'", "the data here has 4 features", "[2, 5]");

            var first = new OnnxGraph(6);
            first.Node("MatMul", new[] { "x", first.Init("W", new float[12], 3, 4) }, "y");
            Rejects(first, "node 0 'matmul_0' (MatMul) input B 'W'", "6 features");

            var bias = new OnnxGraph(3);
            bias.Node("Gemm", new[] { "x", bias.Init("W", new float[12], 4, 3), bias.Init("b", new float[3], 3) }, "y", I("transB", 1));
            Rejects(bias, "input C 'b'", "a bias of shape [4]", "[3]");

            var rank = new OnnxGraph(3);
            rank.Node("MatMul", new[] { "x", rank.Init("W", new float[3], 3) }, "y");
            Rejects(rank, "(MatMul) input B 'W'", "2-D weight");

            var outDecl = Valid();
            outDecl.Graph.Output[0] = Value("y", TensorProto.Types.DataType.Float, Dim("N"), Dim(5));
            Rejects(outDecl, "graph output 'y'", "[N, 4]", "[N, 5]");
        }

        [Test]
        public void UnsupportedAttributesAndForms()
        {
            var ta = new OnnxGraph(3);
            ta.Node("Gemm", new[] { "x", ta.Init("W", new float[12], 3, 4) }, "y", I("transA", 1));
            Rejects(ta, "node 0 'gemm_0' (Gemm)", "transA = 0", "transA = 1");

            var leaky = Valid();
            leaky.Graph.Node[1].OpType = "LeakyRelu";
            leaky.Graph.Node[1].Attribute.Add(F("alpha", 0.2f));
            Rejects(leaky, "node 1 'relu_1' (LeakyRelu)", "alpha = 0.01", "alpha = 0.2");

            var unknownAttr = Valid();
            unknownAttr.Graph.Node[0].Attribute.Add(I("broadcast", 1));
            Rejects(unknownAttr, "node 0 'gemm_0' (Gemm) attribute 'broadcast'", "alpha, beta, transA, transB");

            var wrongType = Valid();
            wrongType.Graph.Node[0].Attribute[0] = F("transB", 1f);
            Rejects(wrongType, "attribute 'transB'", "type INT", "FLOAT");

            var axis = new OnnxGraph(3);
            string h = axis.Node("Gemm", new[] { "x", axis.Init("W", new float[12], 4, 3) }, "h", I("transB", 1));
            axis.Node("Softmax", new[] { h }, "y", I("axis", 0));
            Rejects(axis, "node 1 'softmax_1' (Softmax)", "axis = 1 or -1", "axis = 0");

            var flat = Valid();
            flat.Graph.Node.Insert(0, new NodeProto { Name = "f", OpType = "Flatten", Input = { "x" }, Output = { "xf" }, Attribute = { I("axis", 0) } });
            Rejects(flat, "node 0 'f' (Flatten)", "axis = 0");

            var reshape = new OnnxGraph(3);
            string r = reshape.Node("Reshape", new[] { "x", reshape.Init(Int64("s", new long[] { -1 }, true, 1)) }, "r");
            reshape.Node("MatMul", new[] { r, reshape.Init("W", new float[3], 3, 1) }, "y");
            Rejects(reshape, "node 0 'reshape_0' (Reshape)", "a shape of 2 values");
            var reshape2 = new OnnxGraph(4);
            r = reshape2.Node("Reshape", new[] { "x", reshape2.Init(Int64("s", new long[] { 2, -1 }, false, 2)) }, "r");
            reshape2.Node("MatMul", new[] { r, reshape2.Init("W", new float[4], 4, 1) }, "y");
            Rejects(reshape2, "node 0 'reshape_0' (Reshape)", "keeps [N, 4]", "[2, -1]");

            var transposeData = new OnnxGraph(3);
            string t = transposeData.Node("Transpose", new[] { "x" }, "t");
            transposeData.Node("MatMul", new[] { t, transposeData.Init("W", new float[3], 3, 1) }, "y");
            Rejects(transposeData, "node 0 'transpose_0' (Transpose)", "on the data");

            var wx = new OnnxGraph(3);
            wx.Node("MatMul", new[] { wx.Init("W", new float[12], 4, 3), "x" }, "y");
            Rejects(wx, "node 0 'matmul_0' (MatMul)", "input A (x·W)");

            var dynamicWeight = new OnnxGraph(3);
            string a = dynamicWeight.Node("Relu", new[] { "x" }, "a");
            dynamicWeight.Node("MatMul", new[] { a, a }, "y");
            Rejects(dynamicWeight, "node 0 'relu_0' (Relu)", "right after a Linear");

            var softmaxMiddle = new OnnxGraph(3);
            h = softmaxMiddle.Node("Gemm", new[] { "x", softmaxMiddle.Init("W", new float[12], 4, 3) }, "h", I("transB", 1));
            h = softmaxMiddle.Node("Softmax", new[] { h }, "s", I("axis", 1));
            softmaxMiddle.Node("Gemm", new[] { h, softmaxMiddle.Init("W2", new float[8], 2, 4) }, "y", I("transB", 1));
            Rejects(softmaxMiddle, "node 1 'softmax_1' (Softmax)", "only after the last Linear layer", "node 2 'gemm_2' (Gemm) after it");

            var twoActivations = Valid();
            twoActivations.Graph.Node[1].Output[0] = "r";
            twoActivations.Node("Tanh", new[] { "r" }, "y");
            Rejects(twoActivations, "node 2 'tanh_2' (Tanh)", "one activation per Linear layer");

            var addAfterActivation = Valid();
            addAfterActivation.Graph.Node[1].Output[0] = "r";
            addAfterActivation.Node("Add", new[] { "r", addAfterActivation.Init("b2", new float[4], 4) }, "y");
            Rejects(addAfterActivation, "node 2 'add_2' (Add)", "before its activation");

            var noLayer = new OnnxGraph(3);
            noLayer.Node("Identity", new[] { "x" }, "y");
            Rejects(noLayer, "graph", "at least one Linear layer");

            var duplicate = Valid();
            duplicate.Node("Identity", new[] { "x" }, "h");
            Rejects(duplicate, "node 2 'identity_2' (Identity)", "also the output of node 0 'gemm_0' (Gemm)");
        }

        [Test]
        public void OpsetAndIrVersion()
        {
            foreach (long bad in new long[] { 8, 22 })
            {
                var g = Valid();
                g.Model.OpsetImport[0].Version = bad;
                Rejects(g, "opset_import[0]", "9..21", bad.ToString());
            }
            var none = Valid();
            none.Model.OpsetImport[0].Domain = "ai.onnx.ml";
            Rejects(none, "opset_import", "default domain");
            var ir = Valid();
            ir.Model.ClearIrVersion();
            Rejects(ir, "ir_version");
            var other = Valid();
            other.Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
            Assert.DoesNotThrow(() => OnnxModel.Import(other.Bytes()), "an unused extra domain is fine");
        }

        [Test]
        public void NonFiniteWeights()
        {
            var g = new OnnxGraph(3);
            float[] w = new float[12];
            w[5] = float.NaN;
            g.Node("Gemm", new[] { "x", g.Init("W", w, 4, 3) }, "y", I("transB", 1));
            Rejects(g, "node 0 'gemm_0' (Gemm) input B 'W'", "finite", "NaN at element 5");
            Assert.That(OnnxModel.Import(g.Bytes(), new OnnxImportOptions { AllowNonFinite = true }).GetWeights(0)[5], Is.NaN);

            // Finite weights that alpha overflows.
            var a = new OnnxGraph(1);
            a.Node("Gemm", new[] { "x", a.Init("W", new[] { 3e38f }, 1, 1) }, "y", F("alpha", 10f));
            Rejects(a, "after multiplying by alpha");
            var nanAlpha = new OnnxGraph(1);
            nanAlpha.Node("Gemm", new[] { "x", nanAlpha.Init("W", new[] { 1f }, 1, 1) }, "y", F("alpha", float.NaN));
            Rejects(nanAlpha, "a finite alpha");
        }

        [Test]
        public void BadTensorEncodings()
        {
            var wrongRaw = new OnnxGraph(3);
            TensorProto w = RawF32("W", new float[12], 4, 3);
            w.RawData = ByteString.CopyFrom(new byte[47]);
            wrongRaw.Node("Gemm", new[] { "x", wrongRaw.Init(w) }, "y", I("transB", 1));
            Rejects(wrongRaw, "48 bytes of raw_data", "47 bytes");

            var both = new OnnxGraph(3);
            TensorProto b = RawF32("W", new float[12], 4, 3);
            b.FloatData.Add(1f);
            both.Node("Gemm", new[] { "x", both.Init(b) }, "y", I("transB", 1));
            Rejects(both, "raw_data or in a typed field", "both");

            var int8 = new OnnxGraph(3);
            TensorProto i8 = RawF32("W", new float[3], 4, 3);
            i8.DataType = 3;
            int8.Node("Gemm", new[] { "x", int8.Init(i8) }, "y", I("transB", 1));
            Rejects(int8, "data_type 1 (float) or 10 (float16)", "3 (int8)");

            var half = new OnnxGraph(1);
            TensorProto h = F16("W", new ushort[] { 0x3c00 }, false, 1, 1);
            h.Int32Data[0] = 70000;
            half.Node("MatMul", new[] { "x", half.Init(h) }, "y");
            Rejects(half, "float16 bit patterns", "70000");

            var shapeType = new OnnxGraph(3);
            string r = shapeType.Node("Reshape", new[] { "x", shapeType.Init("s", new[] { -1f, 3f }, 2) }, "r");
            shapeType.Node("MatMul", new[] { r, shapeType.Init("W", new float[3], 3, 1) }, "y");
            Rejects(shapeType, "input shape 's'", "data_type 7 (int64)");

            var segment = new OnnxGraph(3);
            TensorProto sg = RawF32("W", new float[12], 4, 3);
            sg.Segment = new TensorProto.Types.Segment { Begin = 0, End = 1 };
            segment.Node("Gemm", new[] { "x", segment.Init(sg) }, "y", I("transB", 1));
            Rejects(segment, "segment");

            var sparse = Valid();
            sparse.Graph.SparseInitializer.Add(new SparseTensorProto());
            Rejects(sparse, "graph.sparse_initializer");

            var duplicateInit = Valid();
            duplicateInit.Init("W", new float[12], 4, 3);
            Rejects(duplicateInit, "graph.initializer[2]", "'W' twice");
        }

        [Test]
        public void LimitsOfTheOptions()
        {
            byte[] valid = ValidExport();
            Assert.That(Rejects(valid, new OnnxImportOptions { MaxBytes = valid.Length - 1 }).Message, Does.Contain("MaxBytes"));
            Assert.That(Rejects(valid, new OnnxImportOptions { MaxLayers = 1 }).Message, Does.Contain("MaxLayers"));
            Assert.That(Rejects(valid, new OnnxImportOptions { MaxUnits = 7 }).Message, Does.Contain("MaxUnits"));
            Assert.That(Rejects(valid, new OnnxImportOptions { MaxParameters = 40 }).Message, Does.Contain("MaxParameters"));
            Assert.That(Rejects(valid, new OnnxImportOptions { MaxElements = 10 }).Message, Does.Contain("MaxElements"));
            Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxImportOptions { MaxBytes = 0 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxImportOptions { MaxElements = -1 });
        }

        /// <summary>
        /// A megabyte of empty nodes would become a million objects (hundreds of megabytes): the wire scan counts
        /// them before the parser allocates any. Deep nesting is refused before the parser's recursion limit.
        /// </summary>
        [Test]
        public void AmplificationAndNestingAreBoundedBeforeParsing()
        {
            var graph = new List<byte>();
            for (int i = 0; i < 500_000; i++) { graph.Add(0x0a); graph.Add(0x00); } // GraphProto.node (field 1): empty NodeProto
            byte[] file = new byte[] { 0x08, 0x07, 0x3a }.Concat(Varint((ulong)graph.Count)).Concat(graph).ToArray();
            ModelFormatException e = Rejects(file);
            Assert.That(e.Message, Does.Contain("MaxElements"));

            // Attribute → graph → node → attribute → graph …, 60 levels of 3 messages.
            byte[] inner = Array.Empty<byte>();
            for (int i = 0; i < 60; i++)
            {
                byte[] attribute = new byte[] { 0x32 }.Concat(Varint((ulong)inner.Length)).Concat(inner).ToArray(); // AttributeProto.g (field 6)
                byte[] node = new byte[] { 0x2a }.Concat(Varint((ulong)attribute.Length)).Concat(attribute).ToArray(); // NodeProto.attribute (5)
                inner = new byte[] { 0x0a }.Concat(Varint((ulong)node.Length)).Concat(node).ToArray(); // GraphProto.node (1)
            }
            byte[] deep = new byte[] { 0x08, 0x07, 0x3a }.Concat(Varint((ulong)inner.Length)).Concat(inner).ToArray();
            Assert.That(Rejects(deep).Message, Does.Contain("nested at most 100 deep"));
        }

        [Test]
        public void UnknownFieldsAndGroups()
        {
            byte[] valid = Valid().Bytes();
            // An unknown field (number 99, length-delimited) is skipped.
            byte[] extra = valid.Concat(new byte[] { 0x9a, 0x06, 0x03, 1, 2, 3 }).ToArray();
            Assert.That(OnnxModel.Import(extra).ParameterCount, Is.EqualTo(16));
            // A group (wire type 3) is not protobuf that ONNX writes.
            byte[] group = valid.Concat(new byte[] { 0x9b, 0x06, 0x9c, 0x06 }).ToArray();
            Assert.That(Rejects(group).Message, Does.Contain("wire type 3"));
        }

        [Test]
        public void FromAPathTheSameRulesApply()
        {
            string path = Path.Combine(Path.GetTempPath(), "embedded-mlp-onnx-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".onnx");
            try
            {
                var g = Valid();
                g.Graph.Node[1].OpType = "Conv";
                File.WriteAllBytes(path, g.Bytes());
                Assert.That(Assert.Throws<ModelFormatException>(() => OnnxModel.Import(path))!.Message, Does.Contain("(Conv)"));
                Assert.That(Assert.Throws<ModelFormatException>(() => OnnxModel.Import(path, new OnnxImportOptions { MaxBytes = 10 }))!.Message, Does.Contain("MaxBytes"));
                File.WriteAllBytes(path, Array.Empty<byte>());
                Assert.Throws<ModelFormatException>(() => OnnxModel.Import(path));
                Assert.Throws<FileNotFoundException>(() => OnnxModel.Import(path + ".missing"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Test]
        public void HostileNamesAreQuotedAndShortened()
        {
            var g = Valid();
            g.Graph.Node[1].Name = "evil\nname" + new string('x', 5000);
            g.Graph.Node[1].OpType = "Conv\r\n";
            ModelFormatException e = Rejects(g.Bytes());
            Assert.That(e.Message, Does.Contain("node 1 'evil?name").And.Contain("…'").And.Not.Contain("\n"));
            Assert.That(e.Message.Length, Is.LessThan(400));
        }
    }
}
