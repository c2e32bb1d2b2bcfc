using System;
using EmbeddedMlp.Tests.Kernels;
using EmbeddedMlp.Kernels;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>Target networks: <see cref="Mlp.Clone"/>, <see cref="Mlp.CopyParametersFrom"/> and <see cref="Mlp.SoftUpdateFrom"/>.</summary>
    [TestFixture]
    public class TargetNetworkTests
    {
        private static readonly LayerSpec[] Specs = { new LayerSpec(9, Activation.Relu), new LayerSpec(3, Activation.Identity) };

        [Test]
        public void CloneHasTheSameLayersAndParametersAndIsIndependent()
        {
            var online = new Mlp(5, Specs, 1);
            Mlp target = online.Clone();
            Assert.That(target.ToString(), Is.EqualTo(online.ToString()));
            Assert.That(target.Parameters.ToArray(), Is.EqualTo(online.Parameters.ToArray()).AsCollection);
            online.Parameters[0] += 1f;
            Assert.That(target.Parameters[0], Is.Not.EqualTo(online.Parameters[0]));
        }

        [Test]
        public void CopyParametersFromCopiesEveryParameter()
        {
            Mlp online = new Mlp(5, Specs, 1), target = new Mlp(5, Specs, 2);
            target.CopyParametersFrom(online);
            Assert.That(target.Parameters.ToArray(), Is.EqualTo(online.Parameters.ToArray()).AsCollection);
        }

        [Test]
        public void SoftUpdateIsPolyakAveragingOnEveryPath()
        {
            foreach (KernelPath path in KernelTestSupport.SupportedPaths())
                using (new KernelTestSupport.PathScope(path))
                    foreach (float tau in new[] { 0f, 0.005f, 0.5f, 1f })
                    {
                        Mlp online = new Mlp(5, Specs, 1), target = new Mlp(5, Specs, 2);
                        TestData.RandomizeBiases(online, new Random(3));
                        float[] before = target.Parameters.ToArray();
                        target.SoftUpdateFrom(online, tau);
                        for (int i = 0; i < before.Length; i++)
                        {
                            // one rounding per product and one for the sum: within 2 ulp of the exact value
                            double exact = (double)tau * online.Parameters[i] + (1 - (double)tau) * before[i];
                            Assert.That(target.Parameters[i], Is.EqualTo(exact).Within(3e-7 * (Math.Abs(online.Parameters[i]) + Math.Abs(before[i])) + 1e-30),
                                $"{path} τ={tau} [{i}]");
                        }
                        if (tau == 1f) Assert.That(target.Parameters.ToArray(), Is.EqualTo(online.Parameters.ToArray()).AsCollection, "τ = 1 copies");
                        if (tau == 0f) Assert.That(target.Parameters.ToArray(), Is.EqualTo(before).AsCollection, "τ = 0 keeps");
                    }
        }

        [Test]
        public void DifferentShapesAreRejectedNamingTheDifference()
        {
            var model = new Mlp(5, Specs, 1);
            ArgumentValidationTests.ExpectArgument(() => model.CopyParametersFrom(new Mlp(4, Specs, 1)), "source", "5 inputs", "found 4");
            ArgumentValidationTests.ExpectArgument(() => model.CopyParametersFrom(new Mlp(5, new[] { new LayerSpec(9, Activation.Relu) }, 1)), "source", "2 layers", "found 1");
            ArgumentValidationTests.ExpectArgument(() => model.SoftUpdateFrom(new Mlp(5, new[] { new LayerSpec(9, Activation.Tanh), Specs[1] }, 1), 0.1f),
                "source", "layer 0", "9:relu", "found 9:tanh");
            ArgumentValidationTests.ExpectArgument(() => model.SoftUpdateFrom(new Mlp(5, new[] { Specs[0], new LayerSpec(3, Activation.Identity, bias: false) }, 1), 0.1f),
                "source", "layer 1", "no bias");
            Assert.Throws<ArgumentNullException>(() => model.CopyParametersFrom(null!));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.SoftUpdateFrom(model.Clone(), 1.5f));
            Assert.That(e!.Message, Does.Contain("tau").And.Contain("found 1.5"));
        }
    }
}
