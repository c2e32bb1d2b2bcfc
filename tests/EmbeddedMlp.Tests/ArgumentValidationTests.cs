using System;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>Bad shapes throw <see cref="ArgumentException"/> naming the argument, what was expected and what was found.</summary>
    [TestFixture]
    public class ArgumentValidationTests
    {
        private static Mlp Classifier() => new Mlp(3, new[] { new LayerSpec(4, Activation.Relu), new LayerSpec(2, Activation.Softmax) }, 0);

        internal static void ExpectArgument(TestDelegate call, string param, params string[] fragments)
        {
            var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), call) as ArgumentException;
            Assert.That(e!.ParamName, Is.EqualTo(param));
            foreach (string f in fragments) Assert.That(e.Message, Does.Contain(f));
        }

        [Test]
        public void ModelConstruction()
        {
            ExpectArgument(() => new Mlp(0, new LayerSpec(2, Activation.Relu)), "inputs", "at least 1", "found 0");
            ExpectArgument(() => new Mlp(2, new LayerSpec[0]), "layers", "at least one");
            ExpectArgument(() => new Mlp(2, new LayerSpec(2, Activation.Softmax), new LayerSpec(2, Activation.Relu)), "layers", "layers[0]", "softmax", "last layer");
            ExpectArgument(() => new Mlp(2, default(LayerSpec)), "layers", "layers[0]", "units = 0");
            ExpectArgument(() => new LayerSpec(0, Activation.Relu), "units", "at least 1", "found 0");
            ExpectArgument(() => new LayerSpec(-3, Activation.Relu), "units", "found -3");
            ExpectArgument(() => new LayerSpec(3, (Activation)99), "activation", "found 99");
        }

        [Test]
        public void PredictShapes()
        {
            Mlp m = Classifier();
            ExpectArgument(() => m.Predict(new float[4], new float[2]), "inputs", "multiple of 3", "found 4");
            ExpectArgument(() => m.Predict(new float[0], new float[0]), "inputs", "found 0");
            ExpectArgument(() => m.Predict(new float[6], new float[2]), "outputs", "2×2 = 4", "found 2");
        }

        [Test]
        public void StepShapes()
        {
            var t = new Trainer(Classifier(), new TrainerOptions { MaxBatch = 2 });
            ExpectArgument(() => t.Step(new float[9], new[] { 0, 1, 0 }), "inputs", "MaxBatch = 2", "found 3");
            ExpectArgument(() => t.Step(new float[5], new[] { 0 }), "inputs", "multiple of 3", "found 5");
            ExpectArgument(() => t.Step(new float[6], new[] { 0 }), "classTargets", "expected 2", "found 1");
            ExpectArgument(() => t.Step(new float[6], new[] { 0, 2 }), "classTargets", "classTargets[1]", "0..1", "found 2");
            ExpectArgument(() => t.Step(new float[6], new[] { -1, 0 }), "classTargets", "found -1");
            ExpectArgument(() => t.Step(new float[6], new float[3]), "targets", "2×2 = 4", "found 3");
            ExpectArgument(() => t.Step(new float[6], new[] { 0, 1 }, new float[3]), "sampleWeights", "expected 2", "found 3");
        }

        [Test]
        public void ClassTargetsNeedASoftmaxOutput()
        {
            var t = new Trainer(new Mlp(3, new LayerSpec(2, Activation.Sigmoid)));
            ExpectArgument(() => t.Step(new float[3], new[] { 1 }), "classTargets", "softmax", "sigmoid");
        }

        [Test]
        public void TrainerOptions()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { MaxBatch = 0 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ClipNorm = -1f });
            var t = new Trainer(Classifier());
            Assert.Throws<ArgumentOutOfRangeException>(() => t.LearningRate = float.NaN);
            Assert.Throws<ArgumentNullException>(() => new Trainer(null!));
        }
    }
}
