using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using EmbeddedMlp.Cli.Data;
using EmbeddedMlp.Cli.Output;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Cli.Commands;

/// <summary><c>inspect M.mlp [--json]</c>: architecture, parameters, dtype, metadata, training state, weights checksum.</summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "Model or checkpoint file." };
        Option<bool> json = CliOptions.Flag("--json", "Print one JSON object instead of text.");
        var command = new Command("inspect", "Describe a model file: layers, parameter count, dtype, metadata, optimizer state and a " +
                                             "checksum of the weights (SHA-256 of the parameter arena as little-endian f32).")
        { file, json };
        command.SetAction(parse => CommandLineApp.Guard(context, command, () => Execute(context, parse.GetValue(file)!, parse.GetValue(json))));
        return command;
    }

    private static int Execute(CliContext context, string path, bool json)
    {
        LoadedModelFile file = LoadedModelFile.Read(path);
        Mlp model = file.LoadModel();
        string checksum = Checksum(model);
        if (json) WriteJson(context, file, model, checksum);
        else WriteText(context, file, checksum);
        return ExitCodes.Ok;
    }

    /// <summary>SHA-256 of the parameter arena (per layer W row-major then b) as little-endian f32, in lower-case hex.</summary>
    internal static string Checksum(Mlp model)
    {
        ReadOnlySpan<float> parameters = model.Parameters;
        byte[] bytes = new byte[parameters.Length * sizeof(float)];
        for (int i = 0; i < parameters.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), parameters[i]);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static string DtypeName(ModelDtype d) => d == ModelDtype.F16 ? "f16" : "f32";

    private static string OptimizerName(OptimizerKind k) => k switch
    {
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.Adam => "adam",
        _ => "adamw",
    };

    private static void WriteText(CliContext context, LoadedModelFile file, string checksum)
    {
        ModelFileInfo info = file.Info;
        var o = context.Out;
        o.WriteLine($"file        {file.Path} ({Formats.Count(file.Bytes.Length)} bytes)");
        o.WriteLine($"dtype       {DtypeName(info.Dtype)}");
        o.WriteLine($"inputs      {info.Inputs}");
        o.WriteLine($"layers      {info.Layers.Count}");
        int fanIn = info.Inputs;
        for (int i = 0; i < info.Layers.Count; i++)
        {
            LayerSpec l = info.Layers[i];
            long p = (long)l.Units * fanIn + (l.HasBias ? l.Units : 0);
            o.WriteLine($"  [{i}]       {fanIn} → {l.Units} {l.Activation.ToName()}{(l.HasBias ? "" : ", no bias")} ({Formats.Count(p)} parameters)");
            fanIn = l.Units;
        }
        o.WriteLine($"parameters  {Formats.Count(info.ParameterCount)}");
        if (info.HasTrainingState)
        {
            OptimizerSettings s = info.Optimizer!;
            o.WriteLine($"optimizer   present: {OptimizerName(s.Kind)}, step {Formats.Int(info.TrainingStep)}, learning rate {Formats.RoundTrip(info.LearningRate)}, " +
                        $"max batch {info.MaxBatch}, clip norm {Formats.RoundTrip(info.ClipNorm)}");
        }
        else
        {
            o.WriteLine("optimizer   none (a model file, not a checkpoint)");
        }
        if (info.Metadata.Count == 0) o.WriteLine("metadata    none");
        else
        {
            o.WriteLine("metadata");
            foreach (KeyValuePair<string, string> kv in info.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                o.WriteLine($"  {kv.Key} = {kv.Value}");
        }
        o.WriteLine($"checksum    sha256:{checksum}");
    }

    private static void WriteJson(CliContext context, LoadedModelFile file, Mlp model, string checksum)
    {
        ModelFileInfo info = file.Info;
        var stream = new System.IO.MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("file", file.Path);
            w.WriteNumber("bytes", file.Bytes.Length);
            w.WriteString("dtype", DtypeName(info.Dtype));
            w.WriteNumber("inputs", info.Inputs);
            w.WriteNumber("outputs", model.OutputCount);
            w.WriteStartArray("layers");
            foreach (LayerSpec l in info.Layers)
            {
                w.WriteStartObject();
                w.WriteNumber("units", l.Units);
                w.WriteString("activation", l.Activation.ToName());
                w.WriteBoolean("bias", l.HasBias);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("parameters", info.ParameterCount);
            w.WriteBoolean("optimizer_state", info.HasTrainingState);
            if (info.HasTrainingState)
            {
                w.WriteStartObject("training");
                w.WriteString("optimizer", OptimizerName(info.Optimizer!.Kind));
                w.WriteNumber("step", info.TrainingStep);
                w.WriteNumber("learning_rate", info.LearningRate);
                w.WriteNumber("max_batch", info.MaxBatch);
                w.WriteNumber("clip_norm", info.ClipNorm);
                w.WriteEndObject();
            }
            w.WriteStartObject("metadata");
            foreach (KeyValuePair<string, string> kv in info.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                w.WriteString(kv.Key, kv.Value);
            w.WriteEndObject();
            w.WriteString("checksum", "sha256:" + checksum);
            w.WriteEndObject();
        }
        context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
