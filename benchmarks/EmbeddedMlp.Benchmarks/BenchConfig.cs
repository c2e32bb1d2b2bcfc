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

    /// <summary>
    /// A per-call quantity (flops, bytes) divided by the median time in nanoseconds, for benchmark classes that
    /// implement <typeparamref name="TCounter"/>; "-" for the others.
    /// </summary>
    public abstract class PerMedianColumn<TCounter> : IColumn where TCounter : class
    {
        public abstract string Id { get; }
        public abstract string ColumnName { get; }
        public abstract string Legend { get; }
        public abstract bool AlwaysShow { get; }
        public abstract int PriorityInCategory { get; }
        protected abstract string Format { get; }
        protected abstract double Quantity(TCounter counter, string method, IReadOnlyDictionary<string, object> parameters);

        public ColumnCategory Category => ColumnCategory.Custom;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public bool IsAvailable(Summary summary) => AlwaysShow || summary.BenchmarksCases.Any(b => typeof(TCounter).IsAssignableFrom(b.Descriptor.Type));
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics == null) return "-";
            if (!(System.Activator.CreateInstance(benchmarkCase.Descriptor.Type) is TCounter counter)) return "-";
            var parameters = benchmarkCase.Parameters.Items.ToDictionary(p => p.Name, p => p.Value);
            double quantity = Quantity(counter, benchmarkCase.Descriptor.WorkloadMethod.Name, parameters);
            return (quantity / report.ResultStatistics.Median).ToString(Format, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>GFLOP/s from the median time: flops of one call (2 per multiply-add) ÷ median nanoseconds.</summary>
    public sealed class GflopsColumn : PerMedianColumn<IFlopCount>
    {
        public override string Id => "GFLOPs";
        public override string ColumnName => "GFLOP/s";
        public override string Legend => "Floating-point operations per second (2 per multiply-add; a train step counts 3× its forward pass), from the median";
        public override bool AlwaysShow => true;
        public override int PriorityInCategory => 0;
        protected override string Format => "0.00";
        protected override double Quantity(IFlopCount counter, string method, IReadOnlyDictionary<string, object> parameters) =>
            counter.Flops(method, parameters);
    }

    /// <summary>GB/s from the median time: bytes read by one call ÷ median nanoseconds.</summary>
    public sealed class BandwidthColumn : PerMedianColumn<IByteCount>
    {
        public override string Id => "GBps";
        public override string ColumnName => "GB/s";
        public override string Legend => "Bytes read per second (10^9), from the median";
        public override bool AlwaysShow => false;
        public override int PriorityInCategory => 1;
        protected override string Format => "0.0";
        protected override double Quantity(IByteCount counter, string method, IReadOnlyDictionary<string, object> parameters) =>
            counter.Bytes(method, parameters);
    }
}
