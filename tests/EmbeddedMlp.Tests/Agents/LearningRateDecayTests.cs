using EmbeddedMlp.Agents;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>The agents' linear learning-rate decay to a floor, and that it composes with other scaling (a guard's restore).</summary>
    [TestFixture]
    public class LearningRateDecayTests
    {
        [Test]
        public void FallsLinearlyToTheFloorAndComposesWithOtherScaling()
        {
            var trainer = new Trainer(new Mlp(2, new LayerSpec(2, Activation.Identity)), new TrainerOptions { Optimizer = OptimizerSettings.Adam(0.01f) });
            var decay = new LearningRateDecay(decaySteps: 1000, floor: 0.1f);
            Assert.That(decay.Factor(0), Is.EqualTo(1f));
            Assert.That(decay.Factor(250), Is.EqualTo(0.75f).Within(1e-6));
            Assert.That(decay.Factor(259), Is.EqualTo(0.75f).Within(1e-6), "in steps of 1 %");
            Assert.That(decay.Factor(5000), Is.EqualTo(0.1f), "floor");
            decay.Apply(trainer, 500);
            Assert.That(trainer.LearningRate, Is.EqualTo(0.005f).Within(1e-8));
            trainer.LearningRate *= 0.5f; // e.g. a PolicyGuard restore
            decay.Apply(trainer, 750);
            Assert.That(trainer.LearningRate, Is.EqualTo(0.01f * 0.25f * 0.5f).Within(1e-8), "the decay's ratio on top of the halving");
            decay.Apply(trainer, 750);
            Assert.That(trainer.LearningRate, Is.EqualTo(0.01f * 0.25f * 0.5f).Within(1e-8), "unchanged factor: unchanged rate");
            var constant = new LearningRateDecay(0, 0.1f);
            Assert.That(constant.Factor(1_000_000), Is.EqualTo(1f), "0 steps: no decay");
        }
    }
}
