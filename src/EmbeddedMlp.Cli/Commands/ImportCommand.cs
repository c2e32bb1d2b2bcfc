using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using EmbeddedMlp.Cli.Output;
using EmbeddedMlp.Onnx;
using EmbeddedMlp.Serialization;

namespace EmbeddedMlp.Cli.Commands;

/// <summary><c>import M.onnx --out M.mlp [--f16]</c>: an ONNX model (PyTorch's nn.Sequential of Linear layers) as a model file.</summary>
internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "ONNX model (.onnx): an nn.Sequential of Linear layers and activations, e.g. from torch.onnx.export." };
        Option<string> output = CliOptions.RequiredPath("--out", "Model file to write (atomically).");
        Option<bool> f16 = CliOptions.Flag("--f16", "Store weights in half precision.");
        var command = new Command("import", "Convert an ONNX model into a model file: Gemm or MatMul (+ Add) layers with Relu, LeakyRelu, " +
                                            "Tanh, Sigmoid or Softmax, opsets 9-21 (docs/onnx.md). The ONNX metadata_props become the file's metadata.")
        { file, output, f16 };
        command.SetAction(parse => CommandLineApp.Guard(context, command, () =>
            Execute(context, parse.GetValue(file)!, parse.GetValue(output)!, parse.GetValue(f16))));
        return command;
    }

    private static int Execute(CliContext context, string path, string outPath, bool f16)
    {
        CliFiles.CheckWritable(outPath, "--out");
        byte[] bytes = CliFiles.ReadAllBytes(path);
        Mlp model;
        IReadOnlyDictionary<string, string> onnxMetadata;
        try { model = OnnxModel.Import(bytes, out onnxMetadata); }
        catch (ModelFormatException e) { throw new InputException($"{path}: {e.Message}"); }

        var metadata = new Dictionary<string, string>(onnxMetadata, StringComparer.Ordinal);
        metadata.TryAdd("tool", "embedded-mlp import");
        metadata.TryAdd("source", Path.GetFileName(path));
        try
        {
            ModelFile.Save(model, outPath, new ModelSaveOptions { Dtype = f16 ? ModelDtype.F16 : ModelDtype.F32, Metadata = metadata });
        }
        catch (Exception e) when (CliFiles.IsIo(e))
        {
            throw new InputException($"--out {outPath}: could not write it ({CommandLineApp.OneLine(e.Message)})");
        }
        context.Out.WriteLine($"read {path}: {Describe(model)}");
        context.Out.WriteLine($"wrote {outPath} (model, {(f16 ? "f16" : "f32")} weights)");
        context.Out.Flush();
        return ExitCodes.Ok;
    }

    /// <summary><c>6 inputs → 64 relu → 3 softmax (643 parameters)</c>.</summary>
    internal static string Describe(Mlp model)
    {
        var parts = new List<string> { $"{model.InputCount} inputs" };
        foreach (LayerSpec l in model.Layers)
            parts.Add($"{l.Units} {l.Activation.ToName()}{(l.HasBias ? "" : " (no bias)")}");
        return string.Join(" → ", parts) + $" ({Formats.Count(model.ParameterCount)} parameters)";
    }
}
