using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// The cost of the cross-platform deterministic mode (<c>EMBEDDEDMLP_DETERMINISTIC=1</c>, job "Deterministic")
    /// against the default mode (the baseline job) in one run, on the best path of this machine: the training step
    /// (softmax cross-entropy, Adam) and one-row inference of the four reference models.
    /// </summary>
    [Config(typeof(DeterminismConfig))]
    public class DeterminismBenchmarks : ReferenceModelBenchmarks
    {
    }

    /// <summary>Two jobs, "Default" (the baseline) and "Deterministic" (<c>EMBEDDEDMLP_DETERMINISTIC=1</c>); a row pair per method and model.</summary>
    public sealed class DeterminismConfig : ManualConfig
    {
        public DeterminismConfig()
        {
            Job basis = Job.Default.WithWarmupCount(8).WithIterationCount(15);
            AddJob(basis.WithId("Default").AsBaseline());
            AddJob(basis.WithEnvironmentVariables(new EnvironmentVariable("EMBEDDEDMLP_DETERMINISTIC", "1")).WithId("Deterministic"));
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByMethod, BenchmarkLogicalGroupRule.ByParams);
        }
    }
}
