using System.Diagnostics;
using EmbeddedMlp;
using EmbeddedMlp.Training;
using UnityEngine;

namespace EmbeddedMlp.UnitySample
{
    /// <summary>
    /// Trains a shared policy inside <c>Update()</c>: every frame all agents act through one batched
    /// <see cref="Mlp.Predict"/>, record (observation, action, reward), and the trainer runs as many REINFORCE
    /// steps as fit in <see cref="budgetMilliseconds"/>. The task: each agent moves one step in one of four
    /// directions and is rewarded for getting closer to its target. Nothing here allocates after <c>Awake</c>.
    /// </summary>
    public sealed class ChaserTrainer : MonoBehaviour
    {
        [SerializeField] private int agents = 32;
        [SerializeField] private float budgetMilliseconds = 1.0f;
        [SerializeField] private float learningRate = 0.01f;

        private const int Observations = 4, Actions = 4, Batch = 32;
        private static readonly float[] MoveX = { 1f, -1f, 0f, 0f };
        private static readonly float[] MoveY = { 0f, 0f, 1f, -1f };

        private Mlp _policy = null!;
        private Trainer _trainer = null!;
        private Xoshiro128 _rng;
        private float[] _positions = null!, _targets = null!, _observations = null!, _probabilities = null!;
        private float[] _batchObservations = null!, _batchAdvantages = null!;
        private int[] _batchActions = null!;
        private float _baseline;
        private readonly Stopwatch _clock = new Stopwatch();

        /// <summary>The policy being trained (hand it to a <see cref="ShippedPolicyPlayer"/>, or save it).</summary>
        public Mlp Policy => _policy;

        private void Awake()
        {
            _policy = new Mlp(Observations, new[] { new LayerSpec(32, Activation.Tanh), new LayerSpec(Actions, Activation.Softmax) }, seed: 1);
            _trainer = new Trainer(_policy, new TrainerOptions { MaxBatch = Batch, Optimizer = OptimizerSettings.Adam(learningRate), ClipNorm = 1f });
            _rng = new Xoshiro128(2);
            _positions = new float[agents * 2];
            _targets = new float[agents * 2];
            _observations = new float[agents * Observations];
            _probabilities = new float[agents * Actions];
            _batchObservations = new float[Batch * Observations];
            _batchActions = new int[Batch];
            _batchAdvantages = new float[Batch];
            for (int i = 0; i < agents * 2; i++) { _positions[i] = _rng.NextFloat() * 10f - 5f; _targets[i] = _rng.NextFloat() * 10f - 5f; }
        }

        private void Update()
        {
            // Act: one batched forward pass for every agent.
            for (int a = 0; a < agents; a++)
            {
                _observations[a * 4] = _positions[a * 2] * 0.2f;
                _observations[a * 4 + 1] = _positions[a * 2 + 1] * 0.2f;
                _observations[a * 4 + 2] = (_targets[a * 2] - _positions[a * 2]) * 0.2f;
                _observations[a * 4 + 3] = (_targets[a * 2 + 1] - _positions[a * 2 + 1]) * 0.2f;
            }
            _policy.Predict(_observations, _probabilities);

            // Step the world and fill the training batch (the first Batch agents' transitions of this frame).
            int rows = Mathf.Min(Batch, agents);
            for (int a = 0; a < agents; a++)
            {
                int action = Sample(a);
                float before = Distance(a);
                _positions[a * 2] += MoveX[action] * 0.1f;
                _positions[a * 2 + 1] += MoveY[action] * 0.1f;
                float reward = before - Distance(a);
                if (Distance(a) < 0.2f) { _targets[a * 2] = _rng.NextFloat() * 10f - 5f; _targets[a * 2 + 1] = _rng.NextFloat() * 10f - 5f; }
                if (a < rows)
                {
                    System.Array.Copy(_observations, a * 4, _batchObservations, a * 4, 4);
                    _batchActions[a] = action;
                    _batchAdvantages[a] = reward - _baseline;
                    _baseline += 0.01f * (reward - _baseline);
                }
            }

            // Learn within the frame budget: policy gradient = cross-entropy on the taken actions weighted by advantage.
            // Steps run while the next one (estimated from the slowest seen) still fits in the budget; at least one.
            _clock.Restart();
            double spent = 0;
            do
            {
                double start = _clock.Elapsed.TotalMilliseconds;
                _trainer.Step(new System.ReadOnlySpan<float>(_batchObservations, 0, rows * 4),
                    new System.ReadOnlySpan<int>(_batchActions, 0, rows), new System.ReadOnlySpan<float>(_batchAdvantages, 0, rows));
                spent = _clock.Elapsed.TotalMilliseconds;
                _stepCost = System.Math.Max(_stepCost * 0.99, spent - start);
            } while (spent + _stepCost <= budgetMilliseconds);
        }

        private double _stepCost;

        private int Sample(int agent)
        {
            float u = _rng.NextFloat(), sum = 0f;
            for (int j = 0; j < Actions - 1; j++)
            {
                sum += _probabilities[agent * Actions + j];
                if (u < sum) return j;
            }
            return Actions - 1;
        }

        private float Distance(int a)
        {
            float dx = _targets[a * 2] - _positions[a * 2], dy = _targets[a * 2 + 1] - _positions[a * 2 + 1];
            return Mathf.Sqrt(dx * dx + dy * dy);
        }
    }
}
