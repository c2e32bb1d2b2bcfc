#if !UNITY_5_3_OR_NEWER // runs the console sample, which is not part of a Unity project
using System;
using System.IO;
using EmbeddedMlp.Agents;
using EmbeddedMlp.Samples.AgentTraining;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>DQN behind a <see cref="PolicyGate"/> in the AgentTraining sample's game loop, evaluated on a private CartPole.</summary>
    [TestFixture]
    public class GatedDqnSampleTests
    {
        [Test]
        public void TheEvaluationStopsAtTheFirstFallWhenTheBarIsTheTimeLimit()
        {
            // Zero weights, output bias favouring "push left": the pole falls within a few dozen ticks.
            Mlp left = new Mlp(4, new[] { new LayerSpec(8, Activation.Relu), new LayerSpec(2, Activation.Identity) }, 1);
            left.Parameters.Clear();
            left.GetBias(1)[0] = 1f;
            var eval = new CartPoleEvaluation(episodes: 8, epsilon: 0f, seed: 1);
            eval.Begin(left, CartPoleArena.MaxEpisodeLength);
            int steps = 1;
            while (!eval.Step(left)) steps++;
            Assert.That(steps, Is.LessThan(100), "stopped early");
            Assert.That(eval.Score, Is.LessThan(CartPoleArena.MaxEpisodeLength), "the most it could still have scored, below the bar");

            eval.Begin(left, float.NegativeInfinity);
            steps = 1;
            while (!eval.Step(left)) steps++;
            Assert.That(eval.Score, Is.LessThan(100f), "unarmed: every episode played out; the mean length of always pushing left");
            Assert.That(eval.Score, Is.GreaterThan(5f));
            Assert.That(steps, Is.LessThan(100));
        }

        [Test]
        public void GateParsesForDqnOnly()
        {
            AgentTrainingOptions o = CommandLine.Parse(new[] { "--algorithm", "dqn", "--gate" }, out _);
            Assert.That(o.Gate, Is.Not.Null);
            Assert.That(o.Guard, Is.Null);
            Assert.That(CommandLine.Parse(new[] { "--algorithm", "dqn" }, out _).Gate, Is.Null, "off by default");
            var e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--algorithm", "ppo", "--gate" }, out _));
            Assert.That(e!.Message, Does.Contain("--gate").And.Contain("--algorithm dqn").And.Contain("found --algorithm ppo"));
        }

        /// <summary>
        /// Gated from the first evaluation (so that promotions and rejections happen within 700 frames): 0 bytes after
        /// warm-up, and the same run bit for bit with a budget of 1 µs a frame (the evaluation steps a budget leaves run
        /// before the agents act, after the updates, as they would have in the frame).
        /// </summary>
        [Test]
        public void AllocatesNothingAndRepeatsBitForBitWhateverTheBudget()
        {
            AgentTrainingOptions o = CommandLine.Defaults(World.CartPole, Algorithm.Dqn) with
            {
                Seed = 3, MaxFrames = 700, StopAtSuccess = false, Agents = 16, Gate = new GateOptions { ArmAt = float.NaN, Episodes = 8, StepsPerFrame = 8 },
            };
            AgentTrainingResult a = AgentTrainingRun.Run(o, TextWriter.Null), b = AgentTrainingRun.Run(o with { TrainingBudgetMicroseconds = 1 });
            Assert.That(a.Gate, Is.Not.Null);
            Assert.That(a.Gate!.Promotions, Is.GreaterThan(0));
            Assert.That(a.Gate.Rejections, Is.GreaterThan(0));
            Assert.That(a.AllocatedBytesAfterWarmup, Is.EqualTo(0), "bytes allocated by the game loop after warm-up");
            Assert.That(a.GcCollectionsAfterWarmup, Is.EqualTo(0));
            Assert.That(b.Gate, Is.EqualTo(a.Gate));
            Assert.That(b.Policy.Parameters.ToArray(), Is.EqualTo(a.Policy.Parameters.ToArray()).AsCollection, "same deployed weights");
            Assert.That(b.Curve, Is.EqualTo(a.Curve));
        }

        /// <summary>
        /// Seed 1 with the sample's gate: until an evaluation keeps all 32 private poles up for 500 ticks the online
        /// network acts (the run is plain DQN's); the gate arms at frame 4,096, the window reaches 475 at frame 4,297 as
        /// without the gate, and from then on the game sees only promoted networks: no window falls below 475.
        /// </summary>
        [Test]
        public void LearnsAsFastAsPlainDqnAndKeepsTheSkillBehindTheGate()
        {
            AgentTrainingOptions o = CommandLine.Parse(new[] { "--algorithm", "dqn", "--gate", "--frames", "6000", "--full-budget" }, out _);
            AgentTrainingResult r = AgentTrainingRun.Run(o);
            Assert.That(r.FramesToSuccess, Is.EqualTo(4297));
            Assert.That(r.Gate!.Armed, Is.True);
            Assert.That(r.Gate.ArmedFrame, Is.EqualTo(4096));
            Assert.That(r.WindowsBelowSuccessAfterSuccess, Is.EqualTo(0));
            Assert.That(r.Gate.DeployedScore, Is.EqualTo(500f));
            Assert.That(r.LowestMeanAfterSuccess, Is.GreaterThanOrEqualTo(475.0));
        }
    }
}
#endif
