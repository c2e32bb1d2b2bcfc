using System;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// Files written by the Python example of docs/format.md (msgpack 1.0.3, numpy 1.24, PyTorch 1.13) from
    /// <c>torch.manual_seed(3); nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2, bias=False), nn.LeakyReLU(),
    /// nn.Linear(2, 2), nn.Softmax(dim=-1))</c>, in f32 (with metadata name=interop) and f16, and that module's outputs.
    /// </summary>
    [TestFixture]
    public class PyTorchInteropTests
    {
        private const string TorchF32 = "86a6666f726d6174ac656d6265646465642d6d6c70a776657273696f6e01a6696e7075747303a56474797065a3663332a66c61796572739384a5756e69747304aa61637469766174696f6ea474616e68a6776569676874c430968a12bfa530e9be03397dbe6fd50bbf154106bdf60702bf99baa03ea213903e304adf3dae4de53ed79a67bd940fb13ea462696173c4103304cfbe5902e9bd6bc903bfc7ff3fbd84a5756e69747302aa61637469766174696f6eaa6c65616b795f72656c75a6776569676874c4201217a6be4cfbe53ec0d3b13e28edbf3eb0de173e460b92be4e0be63ee4ccf9bea462696173c084a5756e69747302aa61637469766174696f6ea7736f66746d6178a6776569676874c410d011e7be4d1ee2bea11196be0c61103ea462696173c408c81e09bf75750bbfa86d6574616461746181a46e616d65a7696e7465726f70";
        private const string TorchF16 = "86a6666f726d6174ac656d6265646465642d6d6c70a776657273696f6e01a6696e7075747303a56474797065a3663136a66c61796572739384a5756e69747304aa61637469766174696f6ea474616e68a6776569676874c41894b84ab7eab35fb832a810b806358134fa2e2a373dab8835a462696173c40878b648af1eb800aa84a5756e69747302aa61637469766174696f6eaa6c65616b795f72656c75a6776569676874c41031b530378f35ff35bf3090b43037ceb7a462696173c084a5756e69747302aa61637469766174696f6ea7736f66746d6178a6776569676874c40839b711b7b1b48330a462696173c40449b85cb8a86d6574616461746180";

        private static readonly float[] X = { 0.5f, -1.0f, 2.0f, -0.25f, 0.75f, 0.1f };
        private static readonly float[] TorchY = { 0.5028541088104248f, 0.4971458911895752f, 0.5025084018707275f, 0.49749162793159485f };

        [Test]
        public void FileWrittenByThePythonExamplePredictsLikeTheTorchModule()
        {
            byte[] data = FuzzRegressionTests.FromHex(TorchF32);
            Mlp model = ModelFile.Load(data);
            Assert.That(model.ToString(), Is.EqualTo("Mlp(3 → 4:tanh → 2:leaky_relu (no bias) → 2:softmax, 30 parameters)"));
            var y = new float[4];
            model.Predict(X, y);
            for (int i = 0; i < y.Length; i++) Assert.That(y[i], Is.EqualTo(TorchY[i]).Within(1e-6f));
            Assert.That(ModelFile.ReadMetadata(data)["name"], Is.EqualTo("interop"));
        }

        [Test]
        public void NumpyF16RoundingMatchesOurs()
        {
            Mlp f32 = ModelFile.Load(FuzzRegressionTests.FromHex(TorchF32));
            Mlp f16 = ModelFile.Load(FuzzRegressionTests.FromHex(TorchF16));
            for (int i = 0; i < f32.ParameterCount; i++)
                Assert.That(f16.Parameters[i], Is.EqualTo(HalfPrecision.FromHalfBits(HalfPrecision.ToHalfBits(f32.Parameters[i]))), "parameter " + i);
        }
    }
}
