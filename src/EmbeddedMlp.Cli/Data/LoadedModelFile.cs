using System;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Cli.Data;

/// <summary>A model file read once from disk, with format errors turned into one-line <see cref="InputException"/>s.</summary>
public sealed class LoadedModelFile
{
    private LoadedModelFile(string path, byte[] bytes, ModelFileInfo info)
    {
        Path = path;
        Bytes = bytes;
        Info = info;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }
    /// <summary>The file's bytes.</summary>
    public byte[] Bytes { get; }
    /// <summary>Shape, dtype, metadata, training state.</summary>
    public ModelFileInfo Info { get; }

    /// <summary>Reads and validates the file.</summary>
    public static LoadedModelFile Read(string path)
    {
        byte[] bytes = CliFiles.ReadAllBytes(path);
        return new LoadedModelFile(path, bytes, Wrap(path, () => ModelFileInfo.Read(bytes)));
    }

    /// <summary>Builds the model (f16 weights are widened to f32).</summary>
    public Mlp LoadModel() => Wrap(Path, () => ModelFile.Load(Bytes));

    /// <summary>Builds model and trainer from a checkpoint (the file must have training state).</summary>
    public Trainer LoadCheckpoint() => Wrap(Path, () => ModelFile.LoadCheckpoint(Bytes));

    private static T Wrap<T>(string path, Func<T> load)
    {
        try { return load(); }
        catch (ModelFormatException e) { throw new InputException($"{path}: {e.Message}"); }
    }
}
