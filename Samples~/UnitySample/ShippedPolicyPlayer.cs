using EmbeddedMlp;
using EmbeddedMlp.Serialization;
using UnityEngine;

namespace EmbeddedMlp.UnitySample
{
    /// <summary>
    /// Runs a policy shipped with the game: the model file (format v1, see docs/format.md) is imported as a
    /// <see cref="TextAsset"/> (give it the <c>.bytes</c> extension) and loaded once from its bytes; every frame all
    /// agents act through one batched <see cref="Mlp.Predict"/>. A tampered file fails with a
    /// <see cref="ModelFormatException"/> that names the bad field, and the behaviour disables itself.
    /// </summary>
    public sealed class ShippedPolicyPlayer : MonoBehaviour
    {
        [SerializeField] private TextAsset? policyFile = null; // assigned in the Inspector
        [SerializeField] private int agents = 1000;

        private Mlp? _policy;
        private float[] _observations = null!, _actions = null!;

        private void Awake()
        {
            if (policyFile == null) { Debug.LogError("ShippedPolicyPlayer: no policy file assigned"); enabled = false; return; }
            try
            {
                _policy = ModelFile.Load(policyFile.bytes);
            }
            catch (ModelFormatException e)
            {
                Debug.LogError("ShippedPolicyPlayer: " + e.Message);
                enabled = false;
                return;
            }
            _observations = new float[agents * _policy.InputCount];
            _actions = new float[agents * _policy.OutputCount];
            Debug.Log($"ShippedPolicyPlayer: loaded {_policy}");
        }

        private void Update()
        {
            if (_policy == null) return;
            // Fill _observations from the game state here: one row of InputCount floats per agent.
            _policy.Predict(_observations, _actions);
            // Read each agent's row of _actions (softmax probabilities or regression outputs) and act on it.
        }
    }
}
