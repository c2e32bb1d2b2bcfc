using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// The runtime's default settings (tiered compilation, dynamic PGO) against everything compiled fully optimised up
    /// front (<c>DOTNET_TieredCompilation=0</c>, the baseline job) in one run: the training step and one-row inference
    /// of the four reference models. A ratio near 1 means nothing on these paths is left at a lower tier or slowed by
    /// tiering in steady state. (First calls are measured by <c>samples/FrameBudget --cold</c>.)
    /// </summary>
    [Config(typeof(TieringConfig))]
    public class TieringBenchmarks : ReferenceModelBenchmarks
    {
    }

    /// <summary>Two jobs, "Tiered" (default settings) and "TieredOff" (<c>DOTNET_TieredCompilation=0</c>, the baseline); a row pair per method and model.</summary>
    public sealed class TieringConfig : ManualConfig
    {
        public TieringConfig()
        {
            Job basis = Job.Default.WithWarmupCount(8).WithIterationCount(15);
            AddJob(basis.WithId("Tiered"));
            AddJob(basis.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0")).WithId("TieredOff").AsBaseline());
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByMethod, BenchmarkLogicalGroupRule.ByParams);
        }
    }
}
