using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using EmbeddedMlp.Cli.Data;
using EmbeddedMlp.Cli.Output;
using EmbeddedMlp.Cli.Training;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Cli.Commands;

/// <summary>
/// <c>train --data D.csv --out M.mlp (--layers … | --model M0.mlp) [options]</c>: mini-batch training from a CSV,
/// written as a checkpoint (weights + optimizer state + PRNG state) so that training can continue exactly.
/// </summary>
internal static class TrainCommand
{
    private sealed class Options
    {
        public Option<string> Data = CliOptions.RequiredPath("--data", "Training CSV: inputs, then the class index (softmax last layer) or the regression targets.");
        public Option<string> Out = CliOptions.RequiredPath("--out", "Checkpoint to write (atomically).");
        public Option<string?> Layers = new("--layers") { Description = "A new model: units:activation per layer, e.g. 64:relu,64:relu,3:softmax (identity, relu, leaky_relu, tanh, sigmoid, softmax).", HelpName = "spec" };
        public Option<string?> Model = CliOptions.Path("--model", "Continue training this model file (and its optimizer state when it is a checkpoint).");
        public Option<int> Epochs = CliOptions.Int("--epochs", "Passes over the data.", 10, 1);
        public Option<int> Batch = CliOptions.Int("--batch", "Rows per step (continuing a checkpoint: at most its max batch, which is the default then).", 32, 1);
        public Option<string> Optimizer = new("--optimizer") { Description = "sgd, adam or adamw.", DefaultValueFactory = _ => "adam", HelpName = "name" };
        public Option<float?> Lr = CliOptions.Float("--lr", "Learning rate (default 0.001 for adam/adamw, 0.01 for sgd; continuing a checkpoint: its rate).");
        public Option<float?> Momentum = CliOptions.Float("--momentum", "SGD momentum (default 0).");
        public Option<bool> Nesterov = CliOptions.Flag("--nesterov", "SGD Nesterov momentum (needs --momentum > 0).");
        public Option<float?> WeightDecay = CliOptions.Float("--weight-decay", "Weight decay (default 0; 0.01 for adamw).");
        public Option<float?> ClipNorm = CliOptions.Float("--clip-norm", "Clip the gradient's global L2 norm to this (default 0 = off).");
        public Option<ulong> Seed = new("--seed") { Description = "Seed of the weight initialisation and of the shuffling.", DefaultValueFactory = _ => 0UL, HelpName = "n" };
        public Option<bool> NoShuffle = CliOptions.Flag("--no-shuffle", "Batches are consecutive rows in file order (the last partial batch is used).");
        public Option<string?> Validation = CliOptions.Path("--validation", "CSV scored after every epoch (same columns as --data).");
        public Option<bool> NoBias = CliOptions.Flag("--no-bias", "Layers without bias (new models only).");
        public Option<bool> F16 = CliOptions.Flag("--f16", "Store weights in half precision (the optimizer state stays f32).");
        public Option<int> Threads = CliOptions.Int("--threads", "Threads the kernels may use for large products (results are identical to 1 thread).", 1, 1,
            v => v <= 256 ? null : $"expected at most 256, found {v}");

        public Options()
        {
            Optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw");
        }

        public IEnumerable<Option> All() =>
            [Data, Out, Layers, Model, Epochs, Batch, Optimizer, Lr, Momentum, Nesterov, WeightDecay, ClipNorm, Seed, NoShuffle, Validation, NoBias, F16, Threads];
    }

    public static Command Create(CliContext context)
    {
        var o = new Options();
        var command = new Command("train", "Train a new model (--layers) or continue one (--model) on a CSV; writes a checkpoint.");
        foreach (Option option in o.All()) command.Options.Add(option);
        command.SetAction(parse => CommandLineApp.Guard(context, command, () => Execute(context, parse, o)));
        return command;
    }

    private static int Execute(CliContext context, ParseResult parse, Options o)
    {
        string dataPath = parse.GetValue(o.Data)!, outPath = parse.GetValue(o.Out)!;
        string? layers = parse.GetValue(o.Layers), modelPath = parse.GetValue(o.Model);
        if (layers != null && modelPath != null)
            throw new UsageException("--layers and --model: expected one of them (--layers builds a new model, --model continues one), found both");
        if (layers == null && modelPath == null)
            throw new UsageException("expected --layers (a new model) or --model (continue training one), found neither");
        CliFiles.CheckWritable(outPath, "--out");

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        long previousEpochs = 0;
        Trainer trainer;
        int batch;
        if (layers != null)
        {
            LayerSpec[] specs = CliOptions.ParseLayers(layers, bias: !parse.GetValue(o.NoBias));
            batch = parse.GetValue(o.Batch);
            OptimizerSettings settings = Settings(parse, o);
            CsvTable probe = CsvTable.Read(dataPath);
            int inputs = probe.Columns - Dataset.TargetColumns(specs[^1]);
            if (inputs < 1)
                throw new InputException($"{dataPath}: expected more than {Dataset.TargetColumns(specs[^1])} columns (at least one input, then the targets of the last layer {specs[^1]}), found {probe.Columns}");
            ulong seed = parse.GetValue(o.Seed);
            var model = new Mlp(inputs, specs, seed);
            trainer = new Trainer(model, new TrainerOptions { MaxBatch = batch, Optimizer = settings, ClipNorm = parse.GetValue(o.ClipNorm) ?? 0f, Seed = unchecked(seed + 1) });
            return Train(context, parse, o, trainer, probe, batch, metadata, previousEpochs);
        }

        LoadedModelFile file = LoadedModelFile.Read(modelPath!);
        foreach (KeyValuePair<string, string> kv in file.Info.Metadata) metadata[kv.Key] = kv.Value;
        if (metadata.TryGetValue("epochs", out string? e) && long.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out long pe)) previousEpochs = pe;
        if (CliOptions.Given(parse, o.NoBias))
            throw new UsageException("--no-bias: applies to a new model (--layers); the layers of --model come from the file");
        if (file.Info.HasTrainingState)
        {
            foreach (Option fixedByCheckpoint in new Option[] { o.Optimizer, o.Momentum, o.Nesterov, o.WeightDecay, o.Seed })
                if (CliOptions.Given(parse, fixedByCheckpoint))
                    throw new UsageException($"{fixedByCheckpoint.Name}: the optimizer and PRNG state come from the checkpoint {modelPath}; leave it out (--lr and --clip-norm may change)");
            trainer = file.LoadCheckpoint();
            if (parse.GetValue(o.Lr) is float lr) trainer.LearningRate = lr;
            if (parse.GetValue(o.ClipNorm) is float clip) trainer.ClipNorm = clip;
            batch = CliOptions.Given(parse, o.Batch) ? parse.GetValue(o.Batch) : trainer.MaxBatch;
            if (batch > trainer.MaxBatch)
                throw new UsageException($"--batch: expected at most {trainer.MaxBatch} (the max batch of the checkpoint {modelPath}), found {batch}");
        }
        else
        {
            batch = parse.GetValue(o.Batch);
            trainer = new Trainer(file.LoadModel(), new TrainerOptions
            {
                MaxBatch = batch, Optimizer = Settings(parse, o), ClipNorm = parse.GetValue(o.ClipNorm) ?? 0f, Seed = unchecked(parse.GetValue(o.Seed) + 1),
            });
        }
        return Train(context, parse, o, trainer, CsvTable.Read(dataPath), batch, metadata, previousEpochs);
    }

    private static int Train(CliContext context, ParseResult parse, Options o, Trainer trainer, CsvTable table, int batch,
        Dictionary<string, string> metadata, long previousEpochs)
    {
        Mlp model = trainer.Model;
        LayerSpec last = model.Layers[^1];
        Dataset data = Dataset.From(table, model.InputCount, last, "");
        string? validationPath = parse.GetValue(o.Validation);
        Dataset? validation = validationPath == null ? null : Dataset.From(CsvTable.Read(validationPath), model.InputCount, last, ", as --data");
        int epochs = parse.GetValue(o.Epochs);
        bool shuffle = !parse.GetValue(o.NoShuffle);

        TrainingSummary summary = null!;
        long total = TrainingLoop.StepsPerEpoch(data.Rows, batch) * epochs;
        int previousThreads = KernelDispatch.MaxDegreeOfParallelism;
        KernelDispatch.MaxDegreeOfParallelism = parse.GetValue(o.Threads);
        try
        {
            TrainingDisplay.Run(context, epochs, total, progress =>
                summary = TrainingLoop.Run(trainer, data, validation, epochs, batch, shuffle, progress));
        }
        finally
        {
            KernelDispatch.MaxDegreeOfParallelism = previousThreads; // a process-wide setting: leave it as found
        }

        string outPath = parse.GetValue(o.Out)!;
        bool f16 = parse.GetValue(o.F16);
        metadata["tool"] = "embedded-mlp train";
        metadata["data"] = Path.GetFileName(parse.GetValue(o.Data)!);
        metadata["epochs"] = (previousEpochs + epochs).ToString(CultureInfo.InvariantCulture);
        try
        {
            ModelFile.SaveCheckpoint(trainer, outPath, new ModelSaveOptions { Dtype = f16 ? ModelDtype.F16 : ModelDtype.F32, Metadata = metadata });
        }
        catch (Exception e) when (CliFiles.IsIo(e))
        {
            throw new InputException($"--out {outPath}: could not write it ({CommandLineApp.OneLine(e.Message)})");
        }

        WriteSummary(context.Out, summary, batch, outPath, f16);
        return ExitCodes.Ok;
    }

    private static void WriteSummary(TextWriter o, TrainingSummary s, int batch, string outPath, bool f16)
    {
        if (s.Last != null) o.WriteLine($"final: {s.Last.ToLine()}");
        o.WriteLine($"trained {s.Epochs} epoch{(s.Epochs == 1 ? "" : "s")}, {Formats.Count(s.Steps)} steps of up to {batch} rows in {Formats.Seconds(s.Seconds)} s; " +
                    $"median {Formats.Micros(s.MedianStepMicros)} µs per step" +
                    (s.SkippedSteps > 0 ? $"; {Formats.Count(s.SkippedSteps)} steps skipped (non-finite loss or gradient)" : "") +
                    (KernelDispatch.Deterministic ? "; deterministic mode (EMBEDDEDMLP_DETERMINISTIC)" : ""));
        o.WriteLine($"wrote {outPath} (checkpoint, {(f16 ? "f16" : "f32")} weights)");
        o.Flush();
    }

    private static OptimizerSettings Settings(ParseResult parse, Options o)
    {
        string kind = parse.GetValue(o.Optimizer)!;
        float? lr = parse.GetValue(o.Lr), momentum = parse.GetValue(o.Momentum), wd = parse.GetValue(o.WeightDecay);
        bool nesterov = parse.GetValue(o.Nesterov);
        if (kind != "sgd" && (momentum != null || nesterov))
            throw new UsageException($"{(momentum != null ? "--momentum" : "--nesterov")}: applies to --optimizer sgd, found --optimizer {kind}");
        try
        {
            return kind switch
            {
                "sgd" => OptimizerSettings.Sgd(lr ?? 0.01f, momentum ?? 0f, wd ?? 0f, nesterov),
                "adamw" => OptimizerSettings.AdamW(lr ?? 1e-3f, weightDecay: wd ?? 0.01f),
                _ => OptimizerSettings.Adam(lr ?? 1e-3f, weightDecay: wd ?? 0f),
            };
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
