using System;
using System.Collections.Generic;
using EmbeddedMlp.Agents;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>GAE(λ) against values worked out by hand, with a termination and a truncation; shuffled minibatches.</summary>
    [TestFixture]
    public class RolloutBufferTests
    {
        [Test]
        public void GaeMatchesHandComputedValuesWithTerminationAndTruncation()
        {
            // Two agents, three steps, γ = 0.9, λ = 0.5.
            // Agent 0: terminated at step 1 (a new episode starts at step 2). Agent 1: truncated at step 0, with
            // V(last observation) = 4; it runs on through steps 1 and 2. After step 2: V(next) = 10 (agent 0), 20 (agent 1).
            var b = new RolloutBuffer(agents: 2, steps: 3, observationSize: 1, continuousActionSize: 0, seed: 1);
            float[] obs = new float[2], logp = new float[2];
            int[] act = new int[2];
            b.Add(obs, act, logp, values: new[] { 1f, 2f }, rewards: new[] { 1f, 0.5f }, terminated: new[] { false, false }, truncated: new[] { false, true }, bootstrapValues: new[] { 0f, 4f });
            b.Add(obs, act, logp, values: new[] { 3f, 5f }, rewards: new[] { 2f, 1f }, terminated: new[] { true, false }, truncated: new[] { false, false }, bootstrapValues: default);
            b.Add(obs, act, logp, values: new[] { 6f, 7f }, rewards: new[] { 3f, 2f }, terminated: new[] { false, false }, truncated: new[] { false, false }, bootstrapValues: default);
            Assert.That(b.IsFull, Is.True);
            b.ComputeAdvantages(new[] { 10f, 20f }, gamma: 0.9f, lambda: 0.5f);

            // Agent 0, backwards:
            //   t=2: δ = 3 + 0.9·10 − 6 = 6;                      A = 6
            //   t=1: terminated: δ = 2 − 3 = −1;                  A = −1 (no future)
            //   t=0: δ = 1 + 0.9·3 − 1 = 2.7;  A = 2.7 + 0.45·(−1) = 2.25
            // Agent 1:
            //   t=2: δ = 2 + 0.9·20 − 7 = 13;                     A = 13
            //   t=1: δ = 1 + 0.9·7 − 5 = 2.3;  A = 2.3 + 0.45·13 = 8.15
            //   t=0: truncated: δ = 0.5 + 0.9·4 − 2 = 2.1;        A = 2.1 (the next step is another episode)
            float[] expected = { 2.25f, 2.1f, -1f, 8.15f, 6f, 13f }; // rows t·N + i
            float[] values = { 1f, 2f, 3f, 5f, 6f, 7f };
            for (int k = 0; k < 6; k++)
            {
                Assert.That(b.Advantages[k], Is.EqualTo(expected[k]).Within(1e-5), $"advantage of row {k}");
                Assert.That(b.Returns[k], Is.EqualTo(expected[k] + values[k]).Within(1e-5), $"return of row {k}");
            }
        }

        [Test]
        public void LambdaOneGivesDiscountedReturnsBootstrappedAtTheEnd()
        {
            // One agent, four steps, no episode end: R_t = Σ γ^j r_{t+j} + γ^(T−t) V_last.
            var b = new RolloutBuffer(1, 4, 1, 0, 1);
            float[] r = { 1f, 2f, 3f, 4f }, v = { 0.5f, -1f, 2f, 0f };
            for (int t = 0; t < 4; t++) b.Add(new float[1], new int[1], new float[1], new[] { v[t] }, new[] { r[t] }, new[] { false }, new[] { false }, default);
            b.ComputeAdvantages(new[] { 5f }, 0.8f, 1f);
            for (int t = 0; t < 4; t++)
            {
                double ret = 0, g = 1;
                for (int j = t; j < 4; j++) { ret += g * r[j]; g *= 0.8; }
                ret += g * 5;
                Assert.That(b.Returns[t], Is.EqualTo(ret).Within(1e-5), $"return at {t}");
            }
        }

        [Test]
        public void EachEpochVisitsEveryRowOnceAndRowsStayWhole()
        {
            var b = new RolloutBuffer(agents: 3, steps: 4, observationSize: 2, continuousActionSize: 1, seed: 5);
            for (int t = 0; t < 4; t++)
            {
                var obs = new float[6];
                var actions = new float[3];
                var values = new float[3];
                for (int i = 0; i < 3; i++) { int row = t * 3 + i; obs[2 * i] = row; obs[2 * i + 1] = -row; actions[i] = row * 0.5f; values[i] = row; }
                b.Add(obs, actions, logProbabilities: values, values: values, rewards: new float[3], terminated: new bool[3], truncated: new bool[3], bootstrapValues: default);
            }
            b.ComputeAdvantages(new float[3], 0.99f, 0.95f);
            for (int epoch = 0; epoch < 2; epoch++)
            {
                b.Shuffle();
                var seen = new HashSet<int>();
                for (int m = 0; m < 3; m++)
                {
                    float[] o = new float[8], a = new float[4], lp = new float[4], v = new float[4], adv = new float[4], ret = new float[4];
                    b.Minibatch(m, 4, o, a, lp, v, adv, ret);
                    for (int r = 0; r < 4; r++)
                    {
                        int row = (int)o[2 * r];
                        Assert.That(o[2 * r + 1], Is.EqualTo(-row));
                        Assert.That(a[r], Is.EqualTo(row * 0.5f));
                        Assert.That(v[r], Is.EqualTo(row));
                        Assert.That(lp[r], Is.EqualTo(row));
                        Assert.That(ret[r], Is.EqualTo(adv[r] + v[r]).Within(1e-5));
                        Assert.That(seen.Add(row), Is.True, $"row {row} twice in epoch {epoch}");
                    }
                }
                Assert.That(seen.Count, Is.EqualTo(12));
            }
        }

        [Test]
        public void BadInputIsRejectedNamingTheArgument()
        {
            var b = new RolloutBuffer(2, 2, 1, 0, 1);
            ArgumentValidationTests.ExpectArgument(() => b.Add(new float[2], new int[1], new float[2], new float[2], new float[2], new bool[2], new bool[2], default), "actions", "expected 2", "found 1");
            ArgumentValidationTests.ExpectArgument(() => b.Add(new float[2], new int[2], new float[2], new float[2], new float[2], new bool[2], new[] { true, false }, default), "bootstrapValues", "expected 2", "found 0");
            Assert.Throws<InvalidOperationException>(() => b.ComputeAdvantages(new float[2], 0.9f, 0.9f), "not full");
            b.Add(new float[2], new int[2], new float[2], new float[2], new float[2], new bool[2], new bool[2], default);
            b.Add(new float[2], new int[2], new float[2], new float[2], new float[2], new bool[2], new bool[2], default);
            Assert.Throws<InvalidOperationException>(() => b.Add(new float[2], new int[2], new float[2], new float[2], new float[2], new bool[2], new bool[2], default), "full");
            Assert.Throws<ArgumentOutOfRangeException>(() => b.ComputeAdvantages(new float[2], 1.5f, 0.9f));
            Assert.Throws<ArgumentOutOfRangeException>(() => b.Minibatch(0, 3, new float[3], new int[3], new float[3], new float[3], new float[3], new float[3]));
        }
    }
}
