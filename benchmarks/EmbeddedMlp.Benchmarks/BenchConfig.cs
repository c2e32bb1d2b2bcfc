using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>Default columns plus median, min, allocation and GFLOP/s (from the median); one table per category and parameter (each with its own baseline).</summary>
    public sealed class BenchConfig : ManualConfig
    {
        public BenchConfig()
        {
            Add(DefaultConfig.Instance);
            AddDiagnoser(MemoryDiagnoser.Default);
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, new GflopsColumn(), new BandwidthColumn());
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
            WithOptions(ConfigOptions.JoinSummary);
        }
    }

    /// <summary>Implemented by benchmark classes that know how many floating-point operations one call performs.</summary>
    public interface IFlopCount
    {
        /// <summary>Floating-point operations of one invocation of <paramref name="method"/> with the current parameters.</summary>
        double Flops(string method, IReadOnlyDictionary<string, object> parameters);
    }

    /// <summary>Implemented by benchmark classes that know how many bytes one call reads.</summary>
    public interface IByteCount
    {
        /// <summary>Bytes read by one invocation of <paramref name="method"/> with the current parameters.</summary>
        double Bytes(string method, IReadOnlyDictionary<string, object> parameters);
    }

    /// <summary>GB/s from the median time, for benchmarks that implement <see cref="IByteCount"/> ("-" for the others).</summary>
    public sealed class BandwidthColumn : IColumn
    {
        public string Id => "GBps";
        public string ColumnName => "GB/s";
        public bool AlwaysShow => false;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Bytes read per second (10^9), from the median";
        public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => typeof(IByteCount).IsAssignableFrom(b.Descriptor.Type));
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics == null) return "-";
            if (!(System.Activator.CreateInstance(benchmarkCase.Descriptor.Type) is IByteCount counter)) return "-";
            var parameters = benchmarkCase.Parameters.Items.ToDictionary(p => p.Name, p => p.Value);
            double bytes = counter.Bytes(benchmarkCase.Descriptor.WorkloadMethod.Name, parameters);
            return (bytes / report.ResultStatistics.Median).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>GFLOP/s from the median time: flops of one call (2 per multiply-add) ÷ median nanoseconds.</summary>
    public sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOPs";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Floating-point operations per second (2 per multiply-add; a train step counts 3× its forward pass), from the median";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics == null) return "-";
            if (!(System.Activator.CreateInstance(benchmarkCase.Descriptor.Type) is IFlopCount counter)) return "-";
            var parameters = benchmarkCase.Parameters.Items.ToDictionary(p => p.Name, p => p.Value);
            double flops = counter.Flops(benchmarkCase.Descriptor.WorkloadMethod.Name, parameters);
            return (flops / report.ResultStatistics.Median).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
