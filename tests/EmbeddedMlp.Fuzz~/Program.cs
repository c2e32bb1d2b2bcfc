using System;
using System.IO;
using EmbeddedMlp.Serialization;
using SharpFuzz;

namespace EmbeddedMlp.Fuzz
{
    /// <summary>
    /// AFL++ target: feeds each input to every load entry point. Only <see cref="ModelFormatException"/> is an
    /// acceptable failure; any other exception (or a crash, or a hang) is a finding.
    /// <c>--write-seeds DIR</c> writes the seed corpus instead.
    /// </summary>
    public static class Program
    {
        public static void Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "--write-seeds")
            {
                Seeds.Write(args[1]);
                return;
            }
            if (args.Length == 1)
            {
                // Replay one input outside AFL (to triage a finding): prints the outcome, throws what escapes.
                Console.WriteLine(Run(File.ReadAllBytes(args[0])));
                return;
            }
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using (var copy = new MemoryStream())
                {
                    stream.CopyTo(copy);
                    Run(copy.ToArray());
                }
            });
        }

        private static readonly ModelLoadOptions Small = new ModelLoadOptions
        {
            MaxFileBytes = 1 << 20, MaxLayers = 16, MaxUnitsPerLayer = 4096, MaxParameters = 1 << 20, MaxTrainerBatch = 64,
        };

        private static readonly ModelLoadOptions Lenient = new ModelLoadOptions
        {
            MaxFileBytes = 1 << 20, MaxLayers = 16, MaxUnitsPerLayer = 4096, MaxParameters = 1 << 20, MaxTrainerBatch = 64,
            AllowNonFinite = true, MaxDepth = 8,
        };

        public static string Run(byte[] data)
        {
            string outcome = "";
            outcome += Try(() => ModelFile.Load(data, Small).ToString());
            outcome += Try(() => ModelFile.Load(new ReadOnlySpan<byte>(data), Lenient).ToString());
            outcome += Try(() => ModelFile.LoadCheckpoint(new MemoryStream(data), Lenient).StepCount.ToString());
            outcome += Try(() => ModelFile.ReadMetadata(data, Small).Count.ToString());
            return outcome;
        }

        private static string Try(Func<string> load)
        {
            try { return "ok " + load() + "\n"; }
            catch (ModelFormatException e) { return "rejected: " + e.Message + "\n"; }
        }
    }
}
