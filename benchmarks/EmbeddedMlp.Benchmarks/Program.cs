using BenchmarkDotNet.Running;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// Entry point: <c>dotnet run -c Release --project benchmarks/EmbeddedMlp.Benchmarks -- --filter '*'</c>
    /// (add <c>--job short</c> for a run of a few minutes). See docs/performance.md.
    /// </summary>
    public static class Program
    {
        public static void Main(string[] args) =>
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new BenchConfig());
    }
}
