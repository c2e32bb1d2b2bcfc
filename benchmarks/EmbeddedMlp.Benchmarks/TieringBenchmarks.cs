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

    /// <summary>
    /// Four jobs, run in this order for each method and model: "1-Tiered" (default settings), "1-TieredOff"
    /// (<c>DOTNET_TieredCompilation=0</c>, the baseline), then the same pair again ("2-Tiered", "2-TieredOff"). The
    /// repeat is the control: on a shared machine two processes of the same configuration, run a minute apart, can
    /// differ by more than the effect measured (up to 15–20 % on a 250 ns call), so a tiered/fully-optimised ratio is
    /// read beside the ratio of the two identical baseline jobs.
    /// </summary>
    public sealed class TieringConfig : ManualConfig
    {
        public TieringConfig()
        {
            Job basis = Job.Default.WithWarmupCount(8).WithIterationCount(15);
            // BenchmarkDotNet ran the jobs of each case in the order 1-Tiered, 1-TieredOff, 2-Tiered, 2-TieredOff (its run
            // log); the variable only tells the repeat apart.
            var repeat = new EnvironmentVariable("EMBEDDEDMLP_BENCHMARK_REPEAT", "2");
            var tieredOff = new EnvironmentVariable("DOTNET_TieredCompilation", "0");
            AddJob(basis.WithId("1-Tiered"));
            AddJob(basis.WithEnvironmentVariables(tieredOff).WithId("1-TieredOff").AsBaseline());
            AddJob(basis.WithEnvironmentVariables(repeat).WithId("2-Tiered"));
            AddJob(basis.WithEnvironmentVariables(tieredOff, repeat).WithId("2-TieredOff"));
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByMethod, BenchmarkLogicalGroupRule.ByParams);
        }
    }
}
