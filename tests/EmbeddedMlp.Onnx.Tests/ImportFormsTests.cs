using System;
using System.Collections.Generic;
using System.Linq;
using EmbeddedMlp.Serialization;
using NUnit.Framework;
using Onnx;
using static EmbeddedMlp.Onnx.Tests.OnnxGraph;

namespace EmbeddedMlp.Onnx.Tests
{
    /// <summary>
    /// Every graph form the importer accepts, built by hand with the generated protobuf classes, against a
    /// double-precision reference of the graph's own math (tolerance 1e-5 relative + 1e-6 absolute).
    /// </summary>
    [TestFixture]
    public class ImportFormsTests
    {
        private const int Rows = 6;

        /// <summary>Imports, predicts on fixed rows, and compares with <paramref name="reference"/>.</summary>
        private static Mlp Check(OnnxGraph g, int inputs, Func<double[], double[]> reference, string what)
        {
            Mlp model = OnnxModel.Import(g.Bytes());
            float[] x = Reference.Values(new Random(inputs * 31 + 7), Rows * inputs, 2.0);
            double[] expected = reference(Array.ConvertAll(x, v => (double)v));
            List<string> failures = Reference.Compare(Reference.Predict(model, x), expected);
            Assert.That(failures, Is.Empty, what);
            return model;
        }

        /// <summary>Gemm with transB = 0: B is [in, out], y = x·B + C.</summary>
        [TestCase(1f, 1f)]
        [TestCase(0.5f, 2f)]
        [TestCase(0.7f, -1.3f)]
        [TestCase(-3f, 0f)]
        public void GemmWithAlphaBetaAndTransB0(float alpha, float beta)
        {
            var rng = new Random(1);
            float[] b = Reference.Values(rng, 4 * 3); // [in 4, out 3]
            float[] c = Reference.Values(rng, 3);
            var g = new OnnxGraph(4);
            g.Node("Gemm", new[] { "x", g.Init("B", b, 4, 3), g.Init("C", c, 3) }, "y", F("alpha", alpha), F("beta", beta), I("transB", 0));
            float[] w = Reference.Transpose(b, 4, 3); // [out, in]
            Mlp model = Check(g, 4, x => Reference.Dense(x, Rows, 4, w, 3, o => (double)beta * c[o], Activation.Identity, alpha), "Gemm alpha/beta/transB=0");
            Assert.That(model.Layers.Single(), Is.EqualTo(new LayerSpec(3, Activation.Identity)));
        }

        [Test]
        public void GemmWithTransB1AndBroadcastBiasShapes()
        {
            var rng = new Random(2);
            float[] w = Reference.Values(rng, 3 * 5); // [out 3, in 5]
            foreach (long[] shape in new[] { new long[] { 3 }, new long[] { 1, 3 }, new long[] { 1 }, new long[0], new long[] { 1, 1 } })
            {
                long n = shape.Aggregate(1L, (a, d) => a * d);
                float[] c = Reference.Values(rng, (int)n);
                var g = new OnnxGraph(5);
                g.Node("Gemm", new[] { "x", g.Init("W", w, 3, 5), g.Init("C", c, shape) }, "y", I("transB", 1));
                Check(g, 5, x => Reference.Dense(x, Rows, 5, w, 3, o => c[n == 1 ? 0 : o], Activation.Identity), $"Gemm C of shape [{string.Join(",", shape)}]");
            }
        }

        [Test]
        public void GemmWithoutC()
        {
            float[] w = Reference.Values(new Random(3), 2 * 3);
            foreach (string[] inputs in new[] { new[] { "x", "W" }, new[] { "x", "W", "" } })
            {
                var g = new OnnxGraph(3);
                g.Init("W", w, 2, 3);
                g.Node("Gemm", inputs, "y", I("transB", 1), F("beta", 5f));
                Mlp m = Check(g, 3, x => Reference.Dense(x, Rows, 3, w, 2, null, Activation.Identity), "Gemm without C");
                Assert.That(m.Layers[0].HasBias, Is.False);
            }
        }

        /// <summary>MatMul (W [in, out]) then Add with the bias as either operand; and MatMul without bias.</summary>
        [TestCase(true, false)]
        [TestCase(false, false)]
        [TestCase(true, true)]
        public void MatMulAndAddInEitherOrder(bool biasSecond, bool noBias)
        {
            var rng = new Random(4);
            float[] b1 = Reference.Values(rng, 4 * 6), c1 = Reference.Values(rng, 6), b2 = Reference.Values(rng, 6 * 2), c2 = Reference.Values(rng, 2);
            var g = new OnnxGraph(4, opset: 17);
            string h = g.Node("MatMul", new[] { "x", g.Init("fc1.w", b1, 4, 6) }, "h");
            if (!noBias)
                h = g.Node("Add", biasSecond ? new[] { h, g.Init("fc1.b", c1, 6) } : new[] { g.Init("fc1.b", c1, 6), h }, "h2");
            h = g.Node("Tanh", new[] { h }, "a");
            h = g.Node("MatMul", new[] { h, g.Init("fc2.w", b2, 6, 2) }, "m2");
            g.Node("Add", biasSecond ? new[] { h, g.Init("fc2.b", c2, 1, 2) } : new[] { g.Init("fc2.b", c2, 1, 2), h }, "y");
            float[] w1 = Reference.Transpose(b1, 4, 6), w2 = Reference.Transpose(b2, 6, 2);
            Mlp m = Check(g, 4, x =>
            {
                double[] a = Reference.Dense(x, Rows, 4, w1, 6, noBias ? null : o => c1[o], Activation.Tanh);
                return Reference.Dense(a, Rows, 6, w2, 2, o => c2[o], Activation.Identity);
            }, "MatMul + Add");
            Assert.That(m.Layers, Is.EqualTo(new[] { new LayerSpec(6, Activation.Tanh, !noBias), new LayerSpec(2, Activation.Identity) }));
        }

        /// <summary>Two Linears in a row get identity between them; Identity, Flatten and a no-op Reshape anywhere on the data.</summary>
        [Test]
        public void ConsecutiveLinearsAndNoOpShapeNodes()
        {
            var rng = new Random(5);
            float[] w1 = Reference.Values(rng, 5 * 3), w2 = Reference.Values(rng, 4 * 5), b2 = Reference.Values(rng, 4);
            var shapes = new[] { new long[] { -1, 5 }, new long[] { 0, 5 }, new long[] { 0, -1 }, new long[] { -1, 0 }, new long[] { 0, 0 } };
            foreach (long[] shape in shapes)
            {
                foreach (bool constantNode in new[] { false, true })
                {
                    var g = new OnnxGraph(3, opset: 14);
                    string h = g.Node("Flatten", new[] { "x" }, "f", I("axis", 1));
                    h = g.Node("Gemm", new[] { h, g.Init("w1", w1, 5, 3) }, "h1", I("transB", 1));
                    h = g.Node("Identity", new[] { h }, "i1");
                    string shapeName = constantNode
                        ? g.Node("Constant", Array.Empty<string>(), "shape", Ints("value_ints", shape))
                        : g.Init(Int64("shape", shape, raw: true, 2));
                    h = g.Node("Reshape", new[] { h, shapeName }, "r1");
                    h = g.Node("Flatten", new[] { h }, "f2", I("axis", -1));
                    h = g.Node("Gemm", new[] { h, g.Init("w2", w2, 4, 5), g.Init("b2", b2, 4) }, "h2", I("transB", 1));
                    g.Node("Relu", new[] { h }, "y");
                    Mlp m = Check(g, 3, x =>
                    {
                        double[] a = Reference.Dense(x, Rows, 3, w1, 5, null, Activation.Identity);
                        return Reference.Dense(a, Rows, 5, w2, 4, o => b2[o], Activation.Relu);
                    }, $"Reshape [{string.Join(",", shape)}], {(constantNode ? "Constant node" : "initializer")}");
                    Assert.That(m.Layers, Is.EqualTo(new[] { new LayerSpec(5, Activation.Identity, false), new LayerSpec(4, Activation.Relu) }));
                }
            }
        }

        /// <summary>Weights and biases from Constant nodes (value tensor, value_floats), also through Transpose and Identity.</summary>
        [Test]
        public void ConstantNodesTransposeAndIdentityOfConstants()
        {
            var rng = new Random(6);
            float[] w = Reference.Values(rng, 3 * 4), b = Reference.Values(rng, 3); // w [out 3, in 4]
            var g = new OnnxGraph(4, opset: 11);
            string wc = g.Node("Constant", Array.Empty<string>(), "w_const", T("value", RawF32("", w, 3, 4)));
            string wt = g.Node("Transpose", new[] { wc }, "w_t", Ints("perm", 1, 0)); // [in, out]
            string bc = g.Node("Constant", Array.Empty<string>(), "b_const", Floats("value_floats", b));
            string bi = g.Node("Identity", new[] { bc }, "b_shared");
            string h = g.Node("MatMul", new[] { "x", wt }, "h");
            h = g.Node("Add", new[] { h, bi }, "h2");
            g.Node("Sigmoid", new[] { h }, "y");
            Check(g, 4, x => Reference.Dense(x, Rows, 4, w, 3, o => b[o], Activation.Sigmoid), "Constant + Transpose + Identity");

            // Gemm with transB = 0 on a Transpose of an [out, in] initializer (the dynamo exporter's shape of things).
            var g2 = new OnnxGraph(4);
            string t = g2.Node("Transpose", new[] { g2.Init("w", w, 3, 4) }, "wT");
            g2.Node("Gemm", new[] { "x", t, g2.Node("Constant", Array.Empty<string>(), "c", F("value_float", 0.25f)) }, "y");
            Check(g2, 4, x => Reference.Dense(x, Rows, 4, w, 3, o => 0.25, Activation.Identity), "Gemm on Transpose, scalar Constant bias");
        }

        /// <summary>float16 initializers (raw_data and int32_data) become exactly the floats they hold.</summary>
        [Test]
        public void Float16InitializersAreWidenedExactly()
        {
            var rng = new Random(7);
            float[] w = Reference.Values(rng, 2 * 3), b = Reference.Values(rng, 2);
            ushort[] wh = w.Select(HalfPrecision.ToHalfBits).ToArray(), bh = b.Select(HalfPrecision.ToHalfBits).ToArray();
            float[] wf = wh.Select(HalfPrecision.FromHalfBits).ToArray(), bf = bh.Select(HalfPrecision.FromHalfBits).ToArray();
            foreach (bool raw in new[] { true, false })
            {
                foreach (TensorProto.Types.DataType io in new[] { TensorProto.Types.DataType.Float, TensorProto.Types.DataType.Float16 })
                {
                    var g = new OnnxGraph(3, elemType: io);
                    g.Node("Gemm", new[] { "x", g.Init(F16("w", wh, raw, 2, 3)), g.Init(F16("b", bh, raw, 2)) }, "y", I("transB", 1));
                    Mlp m = Check(g, 3, x => Reference.Dense(x, Rows, 3, wf, 2, o => bf[o], Activation.Identity), $"f16 {(raw ? "raw_data" : "int32_data")}");
                    Assert.That(m.GetWeights(0).ToArray(), Is.EqualTo(wf));
                    Assert.That(m.GetBias(0).ToArray(), Is.EqualTo(bf));
                }
            }

            // Every half bit pattern that is finite, in one tensor: each must widen exactly.
            var all = Enumerable.Range(0, 65536).Select(i => (ushort)i).Where(h => (h & 0x7C00) != 0x7C00).ToArray();
            var big = new OnnxGraph(all.Length / 2);
            big.Node("MatMul", new[] { "x", big.Init(F16("w", all, true, all.Length / 2, 2)) }, "y");
            Mlp model = OnnxModel.Import(big.Bytes());
            float[] weights = model.GetWeights(0).ToArray(); // [2, n/2] = transpose of the stored [n/2, 2]
            for (int k = 0; k < all.Length; k++)
            {
                int i = k / 2, o = k % 2;
                Assert.That(BitConverter.SingleToInt32Bits(weights[o * (all.Length / 2) + i]),
                    Is.EqualTo(BitConverter.SingleToInt32Bits(HalfPrecision.FromHalfBits(all[k]))), $"half 0x{all[k]:x4}");
            }
        }

        [Test]
        public void FloatDataInitializers()
        {
            var rng = new Random(8);
            float[] w = Reference.Values(rng, 3 * 2), b = Reference.Values(rng, 3);
            var g = new OnnxGraph(2);
            g.Node("Gemm", new[] { "x", g.Init(FloatData("w", w, 3, 2)), g.Init(FloatData("b", b, 3)) }, "h", I("transB", 1));
            g.Node("Softmax", new[] { "h" }, "y", I("axis", -1));
            Mlp m = Check(g, 2, x => Reference.Dense(x, Rows, 2, w, 3, o => b[o], Activation.Softmax), "float_data");
            Assert.That(m.OutputActivation, Is.EqualTo(Activation.Softmax));
        }

        /// <summary>LeakyRelu with PyTorch's slope (default or 0.01 as float32); Softmax with each accepted axis and opset.</summary>
        [TestCase(9, -1L, true)]
        [TestCase(9, 1L, false)]
        [TestCase(12, -999L, true)]  // absent: axis 1 before opset 13
        [TestCase(13, -999L, false)] // absent: axis -1 from opset 13
        [TestCase(21, 1L, true)]
        public void LeakyReluAndSoftmax(int opset, long axis, bool leakyDefault)
        {
            var rng = new Random(9);
            float[] w1 = Reference.Values(rng, 5 * 3), w2 = Reference.Values(rng, 4 * 5);
            var g = new OnnxGraph(3, opset);
            string h = g.Node("Gemm", new[] { "x", g.Init("w1", w1, 5, 3) }, "h", I("transB", 1));
            h = leakyDefault ? g.Node("LeakyRelu", new[] { h }, "a") : g.Node("LeakyRelu", new[] { h }, "a", F("alpha", 0.01f));
            h = g.Node("Gemm", new[] { h, g.Init("w2", w2, 4, 5) }, "h2", I("transB", 1));
            if (axis == -999) g.Node("Softmax", new[] { h }, "y");
            else g.Node("Softmax", new[] { h }, "y", I("axis", axis));
            Mlp m = Check(g, 3, x => Reference.Dense(Reference.Dense(x, Rows, 3, w1, 5, null, Activation.LeakyRelu), Rows, 5, w2, 4, null, Activation.Softmax),
                "LeakyRelu + Softmax");
            Assert.That(m.Layers.Select(l => l.Activation), Is.EqualTo(new[] { Activation.LeakyRelu, Activation.Softmax }));
        }

        /// <summary>Old exporters list initializers among the graph inputs too; node order need not be topological.</summary>
        [Test]
        public void InitializersListedAsInputsAndNodesOutOfOrder()
        {
            var rng = new Random(10);
            float[] w1 = Reference.Values(rng, 4 * 2), b1 = Reference.Values(rng, 4), w2 = Reference.Values(rng, 1 * 4);
            var g = new OnnxGraph(2, opset: 9);
            g.Init("w1", w1, 4, 2);
            g.Init("b1", b1, 4);
            g.Init("w2", w2, 1, 4);
            g.Graph.Input.Add(Value("w1", TensorProto.Types.DataType.Float, Dim(4), Dim(2)));
            g.Graph.Input.Add(Value("b1", TensorProto.Types.DataType.Float, Dim(4)));
            g.Graph.Input.Add(Value("w2", TensorProto.Types.DataType.Float, Dim(1), Dim(4)));
            g.Node("Gemm", new[] { "r", "w2" }, "y", I("transB", 1));
            g.Node("Relu", new[] { "h" }, "r");
            g.Node("Gemm", new[] { "x", "w1", "b1" }, "h", I("transB", 1));
            Check(g, 2, x => Reference.Dense(Reference.Dense(x, Rows, 2, w1, 4, o => b1[o], Activation.Relu), Rows, 4, w2, 1, null, Activation.Identity),
                "initializers as inputs, nodes in reverse order");
        }

        [Test]
        public void MetadataPropsAreReturned()
        {
            var g = new OnnxGraph(1);
            g.Node("MatMul", new[] { "x", g.Init("w", new[] { 2f }, 1, 1) }, "y");
            g.Model.MetadataProps.Add(new StringStringEntryProto { Key = "name", Value = "tiny" });
            OnnxModel.Import(g.Bytes(), out IReadOnlyDictionary<string, string> meta);
            Assert.That(meta, Is.EquivalentTo(new Dictionary<string, string> { { "name", "tiny" } }));
        }
    }
}
