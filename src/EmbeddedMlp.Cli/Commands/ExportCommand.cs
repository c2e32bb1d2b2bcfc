using System;
using System.CommandLine;
using EmbeddedMlp.Cli.Data;
using EmbeddedMlp.Onnx;

namespace EmbeddedMlp.Cli.Commands;

/// <summary><c>export M.mlp --out M.onnx [--opset N]</c>: a model file as ONNX (ONNX Runtime, Unity Sentis, …).</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "Model or checkpoint file (a checkpoint's optimizer state is not exported)." };
        Option<string> output = CliOptions.RequiredPath("--out", "ONNX file to write (atomically).");
        Option<int> opset = CliOptions.Int("--opset", $"ONNX opset, {OnnxExportOptions.MinOpset}-{OnnxExportOptions.MaxOpset} " +
                                                      "(13 for Unity Sentis 1.x-2.x, which documents opsets 7-15).",
            13, OnnxExportOptions.MinOpset, v => v > OnnxExportOptions.MaxOpset ? $"expected {OnnxExportOptions.MinOpset}..{OnnxExportOptions.MaxOpset}, found {v}" : null);
        var command = new Command("export", "Write a model file as ONNX: one Gemm (transB = 1) and one activation node per layer, input " +
                                            "\"input\" [batch, inputs], output \"output\" [batch, outputs], the file's metadata as metadata_props (docs/onnx.md).")
        { file, output, opset };
        command.SetAction(parse => CommandLineApp.Guard(context, command, () =>
            Execute(context, parse.GetValue(file)!, parse.GetValue(output)!, parse.GetValue(opset))));
        return command;
    }

    private static int Execute(CliContext context, string path, string outPath, int opset)
    {
        CliFiles.CheckWritable(outPath, "--out");
        LoadedModelFile file = LoadedModelFile.Read(path);
        Mlp model = file.LoadModel();
        var options = new OnnxExportOptions { Opset = opset, Metadata = file.Info.Metadata };
        try
        {
            OnnxModel.Export(model, outPath, options);
        }
        catch (Exception e) when (CliFiles.IsIo(e))
        {
            throw new InputException($"--out {outPath}: could not write it ({CommandLineApp.OneLine(e.Message)})");
        }
        context.Out.WriteLine($"read {path}: {ImportCommand.Describe(model)}");
        context.Out.WriteLine($"wrote {outPath} (ONNX opset {opset}, IR version {(opset <= 14 ? 7 : 8)}): " +
                              $"\"{options.InputName}\" [batch, {model.InputCount}] → \"{options.OutputName}\" [batch, {model.OutputCount}]");
        context.Out.Flush();
        return ExitCodes.Ok;
    }
}
