using System;
using EmbeddedMlp.Agents;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>
    /// The evaluation gate: a snapshot of the learner replaces the deployed network only if its evaluation reaches the
    /// deployed network's score; before it is armed the learner acts; the learner is never written; nothing allocates.
    /// </summary>
    [TestFixture]
    public class PolicyGateTests
    {
        /// <summary>Scores a network by its first parameter, after <see cref="Steps"/> steps; records what it was asked.</summary>
        private sealed class FakeEvaluator : IPolicyEvaluator
        {
            public int Steps = 3;
            public int Begun, Stepped;
            public float LastBar = float.NaN;
            private int _left;

            public float Score { get; private set; }

            public void Begin(Mlp policy, float bar)
            {
                Begun++;
                LastBar = bar;
                _left = Steps;
            }

            public bool Step(Mlp policy)
            {
                Stepped++;
                if (--_left > 0) return false;
                Score = policy.Parameters[0];
                return true;
            }
        }

        private static Mlp Model(ulong seed) => new Mlp(3, new[] { new LayerSpec(5, Activation.Relu), new LayerSpec(2, Activation.Identity) }, seed);

        /// <summary>Runs queued steps until an evaluation finishes; returns what it decided.</summary>
        private static PolicyGateAction Evaluate(PolicyGate gate)
        {
            for (int i = 0; i < 100; i++)
            {
                if (gate.PendingUpdates == 0) gate.QueueFrame();
                gate.RunUpdate();
                if (gate.LastAction != PolicyGateAction.None) return gate.LastAction;
            }
            throw new InvalidOperationException("no evaluation finished");
        }

        [Test]
        public void PromotesABetterCandidateAndRejectsAWorseOne()
        {
            Mlp learner = Model(1);
            var eval = new FakeEvaluator();
            var gate = new PolicyGate(learner, eval, new PolicyGateSettings { StepsPerFrame = 2 });
            learner.Parameters[0] = 10f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Promoted), "NaN ArmAt: armed by the first evaluation");
            Assert.That(gate.Armed, Is.True);
            Assert.That(gate.DeployedScore, Is.EqualTo(10f));
            Assert.That(gate.Deployed.Parameters.ToArray(), Is.EqualTo(learner.Parameters.ToArray()).AsCollection);
            Assert.That(gate.Acting, Is.SameAs(gate.Deployed));

            learner.Parameters[0] = 20f;
            learner.Parameters[1] += 1f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Promoted), "20 ≥ 10");
            Assert.That(eval.LastBar, Is.EqualTo(10f), "the evaluator is told the bar");
            Assert.That(gate.DeployedScore, Is.EqualTo(20f));
            float[] deployed = gate.Deployed.Parameters.ToArray();
            Assert.That(deployed, Is.EqualTo(learner.Parameters.ToArray()).AsCollection);

            learner.Parameters[0] = 15f;
            learner.Parameters[1] += 1f;
            float[] learnerBefore = learner.Parameters.ToArray();
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Rejected), "15 < 20");
            Assert.That(eval.LastBar, Is.EqualTo(20f));
            Assert.That(gate.Deployed.Parameters.ToArray(), Is.EqualTo(deployed).AsCollection, "the deployed network stays, bit for bit");
            Assert.That(learner.Parameters.ToArray(), Is.EqualTo(learnerBefore).AsCollection, "a rejection puts nothing back into the learner");
            Assert.That(gate.DeployedScore, Is.EqualTo(20f));
            Assert.That(gate.LastScore, Is.EqualTo(15f));

            learner.Parameters[0] = 20f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Promoted), "equal to the deployed score: promoted (the newer network)");
            Assert.That((gate.Evaluations, gate.Promotions, gate.Rejections), Is.EqualTo((4, 3, 1)));
        }

        [Test]
        public void BeforeItIsArmedTheLearnerActsAndNothingIsGated()
        {
            Mlp learner = Model(2);
            var eval = new FakeEvaluator();
            var gate = new PolicyGate(learner, eval, new PolicyGateSettings { ArmAt = 100 });
            float[] deployedAtStart = gate.Deployed.Parameters.ToArray();
            Assert.That(gate.Acting, Is.SameAs(learner));
            learner.Parameters[0] = 50f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Evaluated));
            Assert.That(eval.LastBar, Is.EqualTo(float.NegativeInfinity), "unarmed: any score would do");
            learner.Parameters[0] = 30f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Evaluated), "worse than the last evaluation, but not gated");
            Assert.That(gate.Armed, Is.False);
            Assert.That(gate.Acting, Is.SameAs(learner), "the learner still acts");
            Assert.That(gate.Deployed.Parameters.ToArray(), Is.EqualTo(deployedAtStart).AsCollection);
            Assert.That((gate.Promotions, gate.Rejections), Is.EqualTo((0, 0)));
            Assert.That(float.IsNaN(gate.DeployedScore), Is.True);

            learner.Parameters[0] = 100f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Promoted), "ArmAt reached: armed, and this candidate deployed");
            Assert.That(gate.Armed, Is.True);
            Assert.That(gate.Acting, Is.SameAs(gate.Deployed));
            learner.Parameters[0] = 99f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Rejected));
            Assert.That(gate.Acting.Parameters[0], Is.EqualTo(100f), "the agents keep acting with the gated network");
        }

        [Test]
        public void TheCandidateIsTheLearnerAsItWasWhenItsEvaluationBegan()
        {
            Mlp learner = Model(3);
            var eval = new FakeEvaluator { Steps = 5 };
            var gate = new PolicyGate(learner, eval, new PolicyGateSettings { StepsPerFrame = 1 });
            learner.Parameters[0] = 7f;
            float[] snapshot = learner.Parameters.ToArray();
            gate.QueueFrame();
            gate.RunUpdate();
            Assert.That(eval.Begun, Is.EqualTo(1));
            // The learner trains on during the evaluation: the candidate and what is deployed are the snapshot.
            learner.Parameters[0] = 1000f;
            learner.Parameters[2] = -3f;
            Assert.That(Evaluate(gate), Is.EqualTo(PolicyGateAction.Promoted));
            Assert.That(gate.DeployedScore, Is.EqualTo(7f));
            Assert.That(gate.Deployed.Parameters.ToArray(), Is.EqualTo(snapshot).AsCollection);
            Assert.That(learner.Parameters[0], Is.EqualTo(1000f), "the learner is not touched");
            Assert.That(eval.Stepped, Is.EqualTo(5), "one evaluator step per queued step");
        }

        [Test]
        public void StepsAreQueuedPerFrameAndRunOneAtATime()
        {
            var eval = new FakeEvaluator { Steps = 10 };
            var gate = new PolicyGate(Model(4), eval, new PolicyGateSettings { StepsPerFrame = 3 });
            gate.RunUpdate();
            Assert.That(eval.Stepped, Is.EqualTo(0), "nothing queued: nothing runs");
            gate.QueueFrame();
            gate.QueueFrame();
            Assert.That(gate.PendingUpdates, Is.EqualTo(6));
            var budget = new TrainingBudget(1e6);
            Assert.That(budget.Run(gate), Is.EqualTo(6), "a TrainingBudget runs the gate's steps");
            Assert.That(eval.Stepped, Is.EqualTo(6));
            gate.QueueFrame();
            gate.RunPending();
            Assert.That((gate.PendingUpdates, eval.Stepped, gate.Evaluations), Is.EqualTo((0, 9, 0)));
        }

        [Test]
        public void SteadyStateAllocatesNothing()
        {
            Mlp learner = Model(5);
            var eval = new FakeEvaluator { Steps = 4 };
            var gate = new PolicyGate(learner, eval, new PolicyGateSettings { StepsPerFrame = 2 });
            int i = 0;
            void Frame()
            {
                learner.Parameters[0] = 100 + (i++ % 7); // promotions and rejections both happen
                gate.QueueFrame();
                gate.RunUpdate();
                gate.RunPending();
            }
            for (int k = 0; k < 200; k++) Frame();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 1000; k++) Frame();
            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0), "bytes allocated over 1,000 frames");
            Assert.That(gate.Promotions, Is.GreaterThan(10));
            Assert.That(gate.Rejections, Is.GreaterThan(10));
        }

        [Test]
        public void DqnActsWithTheNetworkItIsGiven()
        {
            var d = new Dqn(2, 2, 3, new DqnSettings { Hidden = new[] { 4 }, EpsilonStart = 0f, EpsilonEnd = 0f }, 1);
            // A network that always prefers action 1: zero weights, output bias (0, 1).
            Mlp prefersOne = d.Network.Clone();
            prefersOne.Parameters.Clear();
            prefersOne.GetBias(prefersOne.LayerCount - 1)[1] = 1f;
            var actions = new int[3];
            d.Act(new float[6], actions, prefersOne);
            Assert.That(actions, Is.EqualTo(new[] { 1, 1, 1 }));
            prefersOne.GetBias(prefersOne.LayerCount - 1)[0] = 2f;
            d.Act(new float[6], actions, prefersOne);
            Assert.That(actions, Is.EqualTo(new[] { 0, 0, 0 }));
            var e = Assert.Throws<ArgumentException>(() => d.Act(new float[6], actions, new Mlp(2, new LayerSpec(3, Activation.Identity))));
            Assert.That(e!.Message, Does.Contain("2 inputs and 2 outputs"));
        }

        [Test]
        public void BadArgumentsAreRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new PolicyGateSettings { StepsPerFrame = 0 });
            Assert.Throws<ArgumentNullException>(() => new PolicyGate(null!, new FakeEvaluator()));
            Assert.Throws<ArgumentNullException>(() => new PolicyGate(Model(6), null!));
        }
    }
}
