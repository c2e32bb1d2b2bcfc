#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using EmbeddedMlp;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.DeterminismCheck
{
    /// <summary>
    /// The cross-platform determinism check (issue 15), public API only. Trains one model per case in
    /// <see cref="KernelDispatch.Deterministic"/> mode and prints one fingerprint line per case:
    /// <c>CASE name params=… loss=… predict1=… predict37=… grad=… trace=… clipped=…</c> (SHA-256 of the parameter floats'
    /// little-endian bytes, hex bits of the last step's loss, SHA-256 of the Predict outputs of one row and of 37 rows in
    /// one call, SHA-256 of the gradient of one more batch after training, SHA-256 of every step's loss and gradient-norm
    /// bits, and how many steps the clipping shortened). .ci/determinism runs it on every kernel path, thread count,
    /// build (net10.0, netstandard2.1) and runtime (CoreCLR, Mono) and compares the lines; the same source is compiled
    /// three ways: DeterminismCheck.csproj (net10.0 build of the runtime), DeterminismCheckNetStandard.csproj (its
    /// netstandard2.1 build on CoreCLR), and csc against the netstandard2.1 DLL for Mono (.ci/determinism).
    /// Inside the run it also checks that every row of a 37-row Predict equals the same row predicted alone and in a
    /// 2-row call, bit for bit ("BATCH-MISMATCH case row r …", exit code 1).
    /// Inputs and targets come from an integer LCG, converted exactly (multiples of 1/32 in [−2, 2]).
    /// Options: --threads N (KernelDispatch.MaxDegreeOfParallelism), --no-deterministic (Deterministic = false: the
    /// default mode, to show that the comparison sees differences), --from-env (leave Deterministic as
    /// EMBEDDEDMLP_DETERMINISTIC set it at start-up; fails if it is not on), --small (skip the large case),
    /// --only SUBSTRING (cases whose name contains it).
    /// </summary>
    public static class Program
    {
        private const int PredictRows = 37;

        public static int Main(string[] args)
        {
            int threads = 1;
            bool noDeterministic = false, fromEnv = false, small = false;
            string? only = null;
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out threads) && threads >= 1:
                        i++;
                        break;
                    case "--no-deterministic": noDeterministic = true; break;
                    case "--from-env": fromEnv = true; break;
                    case "--small": small = true; break;
                    case "--only" when i + 1 < args.Length: only = args[++i]; break;
                    default:
                        Console.Error.WriteLine($"usage: DeterminismCheck [--threads N] [--no-deterministic | --from-env] [--small] [--only SUBSTRING]; unexpected '{args[i]}'");
                        return 2;
                }
            }
            if (noDeterministic && fromEnv)
            {
                Console.Error.WriteLine("usage: --no-deterministic and --from-env exclude each other");
                return 2;
            }

            int failures = 0;
            // What the runtime read from EMBEDDEDMLP_DETERMINISTIC at start-up, before this program changes anything.
            string? env = Environment.GetEnvironmentVariable("EMBEDDEDMLP_DETERMINISTIC");
            bool envOn = env == "1" || string.Equals(env, "true", StringComparison.OrdinalIgnoreCase);
            bool atStartup = KernelDispatch.Deterministic;
            if (envOn != atStartup)
            {
                Console.WriteLine($"ERROR EMBEDDEDMLP_DETERMINISTIC={env ?? "(unset)"} but KernelDispatch.Deterministic is {atStartup} at start-up");
                failures++;
            }
            string mode;
            if (fromEnv)
            {
                if (!atStartup)
                {
                    Console.WriteLine("ERROR --from-env: KernelDispatch.Deterministic is off at start-up (set EMBEDDEDMLP_DETERMINISTIC=1)");
                    return 1;
                }
                mode = "deterministic (EMBEDDEDMLP_DETERMINISTIC)";
            }
            else
            {
                KernelDispatch.Deterministic = !noDeterministic;
                mode = noDeterministic ? "default (Deterministic = false)" : "deterministic (KernelDispatch.Deterministic = true)";
            }
            KernelDispatch.MaxDegreeOfParallelism = threads;

            Console.WriteLine("PATH " + KernelDispatch.Active);
            Console.WriteLine("RUNTIME " + RuntimeDescription());
            var supported = new List<string>();
            foreach (KernelPath p in (KernelPath[])Enum.GetValues(typeof(KernelPath)))
                if (KernelDispatch.IsSupported(p)) supported.Add(p.ToString());
            Console.WriteLine("SUPPORTED " + string.Join(",", supported));
            Console.WriteLine("BEST " + KernelDispatch.Best);
            Console.WriteLine("MODE " + mode);
            Console.WriteLine("THREADS " + KernelDispatch.MaxDegreeOfParallelism.ToString(CultureInfo.InvariantCulture));

            foreach (Case c in Cases(small))
            {
                if (only != null && c.Name.IndexOf(only, StringComparison.Ordinal) < 0) continue;
                failures += Run(c);
            }
            Console.WriteLine(failures == 0 ? "DONE ok" : $"DONE {failures} failure(s)");
            return failures == 0 ? 0 : 1;
        }

        private static string RuntimeDescription()
        {
            bool mono = Type.GetType("Mono.Runtime") != null;
            string? library = typeof(Mlp).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
            return FormattableString.Invariant(
                $"{(mono ? "mono" : "coreclr")}; {RuntimeInformation.FrameworkDescription.Trim()}; {RuntimeInformation.ProcessArchitecture}; EmbeddedMlp {library ?? "?"}; Vector.IsHardwareAccelerated={Vector.IsHardwareAccelerated}; Vector<float>.Count={Vector<float>.Count}");
        }

        private sealed class Case
        {
            public Case(string name, int inputs, LayerSpec[] layers, OptimizerSettings optimizer, int batch, int steps, ulong seed)
            {
                Name = name; Inputs = inputs; Layers = layers; Optimizer = optimizer; Batch = batch; Steps = steps; Seed = seed;
            }
            public string Name { get; }
            public int Inputs { get; }
            public LayerSpec[] Layers { get; }
            public OptimizerSettings Optimizer { get; }
            public int Batch { get; }
            public int Steps { get; }
            public ulong Seed { get; }
            public bool ProbabilityTargets { get; set; }
            public bool SampleWeights { get; set; }
            public float ClipNorm { get; set; } = 0.5f;
            public bool Softmax => Layers[Layers.Length - 1].Activation == Activation.Softmax;
            public int Outputs => Layers[Layers.Length - 1].Units;
        }

        private static IEnumerable<Case> Cases(bool small)
        {
            ulong seed = 1;
            // Every hidden activation the library has (softmax is last-layer only), both built-in losses, both optimizer
            // families, batch 1 and 32, on 13-24-16-5. MSE uses the hidden activation on its output layer too, so every
            // activation's backward also runs through an output Jacobian.
            foreach (Activation act in (Activation[])Enum.GetValues(typeof(Activation)))
            {
                if (act == Activation.Softmax) continue;
                foreach (bool ce in new[] { true, false })
                    foreach (bool adam in new[] { false, true })
                        foreach (int batch in new[] { 1, 32 })
                        {
                            var layers = new[] { new LayerSpec(24, act), new LayerSpec(16, act), new LayerSpec(5, ce ? Activation.Softmax : act) };
                            OptimizerSettings opt = adam ? OptimizerSettings.Adam(0.01f) : OptimizerSettings.Sgd(0.05f, momentum: 0.9f);
                            yield return new Case($"{act.ToName()}-{(ce ? "ce" : "mse")}-{(adam ? "adam" : "sgd")}-b{batch}", 13, layers, opt, batch, 100, seed++);
                        }
            }
            // The other options of the step: probability targets with per-sample weights and AdamW; weighted MSE with
            // Nesterov and L2; an odd batch with a bias-free layer.
            yield return new Case("tanh-ceprob-adamw-b32-weighted", 13,
                new[] { new LayerSpec(24, Activation.Tanh), new LayerSpec(16, Activation.Relu), new LayerSpec(5, Activation.Softmax) },
                OptimizerSettings.AdamW(0.01f), 32, 100, seed++) { ProbabilityTargets = true, SampleWeights = true };
            yield return new Case("leaky_relu-mse-nesterov-b32-weighted", 13,
                new[] { new LayerSpec(24, Activation.LeakyRelu), new LayerSpec(16, Activation.Sigmoid), new LayerSpec(5, Activation.Identity) },
                OptimizerSettings.Sgd(0.05f, momentum: 0.9f, weightDecay: 1e-3f, nesterov: true), 32, 100, seed++) { SampleWeights = true };
            yield return new Case("relu-ce-adam-b7-nobias", 13,
                new[] { new LayerSpec(24, Activation.Relu, bias: false), new LayerSpec(16, Activation.Tanh), new LayerSpec(5, Activation.Softmax) },
                OptimizerSettings.Adam(0.01f), 7, 100, seed++);
            if (small) yield break;
            // Large enough for the kernels' threads: at batch 32, 32·1024·256 = 2^23 multiply-adds per product (the
            // GEMM splits at 2^22 per thread: 2 threads) and 32·512·1024 = 2^24 (4 threads); the one- and two-row
            // Predict products have 256K and 512K weights (≥ Gemm.DotParallelWeights = 64K: split by output columns).
            yield return new Case("large-relu-tanh-ce-adam-b32", 256,
                new[] { new LayerSpec(1024, Activation.Relu), new LayerSpec(512, Activation.Tanh), new LayerSpec(10, Activation.Softmax) },
                OptimizerSettings.Adam(1e-3f), 32, 10, seed++);
        }

        /// <summary>Trains one case, prints its CASE line and any batch mismatch; returns the number of failures.</summary>
        private static int Run(Case c)
        {
            var model = new Mlp(c.Inputs, c.Layers, c.Seed);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = c.Batch, Optimizer = c.Optimizer, ClipNorm = c.ClipNorm });
            var data = new Lcg(c.Seed * 7919);
            int outputs = c.Outputs;
            var x = new float[c.Batch * c.Inputs];
            var classes = new int[c.Batch];
            var targets = new float[c.Batch * outputs];
            var weights = new float[c.SampleWeights ? c.Batch : 0];
            var trace = new float[2 * c.Steps];
            float lastLoss = float.NaN;
            int clipped = 0;
            for (int step = 0; step < c.Steps; step++)
            {
                FillBatch(c, data, x, classes, targets, weights);
                StepResult r = c.Softmax && !c.ProbabilityTargets
                    ? trainer.Step(x, classes, weights)
                    : trainer.Step(x, targets, weights);
                lastLoss = r.Loss;
                trace[2 * step] = r.Loss;
                trace[2 * step + 1] = r.GradientNorm;
                if (r.GradientNorm > c.ClipNorm) clipped++;
            }
            string parameters = Sha(model.Parameters.ToArray());

            // One more batch's gradient, without applying it.
            FillBatch(c, data, x, classes, targets, weights);
            if (c.Softmax && !c.ProbabilityTargets) trainer.ComputeGradients(x, classes, weights);
            else trainer.ComputeGradients(x, targets, weights);
            string gradient = Sha(trainer.Gradients.ToArray());

            var rows = new Lcg(c.Seed * 104729 + 3);
            var px = new float[PredictRows * c.Inputs];
            for (int i = 0; i < px.Length; i++) px[i] = rows.Value();
            var all = new float[PredictRows * outputs];
            model.Predict(px, all);
            var one = new float[outputs];
            model.Predict(new ReadOnlySpan<float>(px, 0, c.Inputs), one);
            string predict1 = Sha(one);
            string predict37 = Sha(all);

            // A row's outputs do not depend on the other rows of its call or on the batch size: each row alone and in
            // 2-row calls (the matrix-vector kernels) must equal the same row of the 37-row call, bit for bit.
            int failures = 0;
            var two = new float[2 * outputs];
            for (int r = 0; r < PredictRows; r++)
            {
                model.Predict(new ReadOnlySpan<float>(px, r * c.Inputs, c.Inputs), one);
                string? where = FirstDifference(all, r * outputs, one, 0, outputs);
                if (where != null) { Console.WriteLine($"BATCH-MISMATCH {c.Name} row {r}: alone vs in 37 rows: {where}"); failures++; break; }
            }
            for (int r = 0; r + 1 < PredictRows; r += 2)
            {
                model.Predict(new ReadOnlySpan<float>(px, r * c.Inputs, 2 * c.Inputs), two);
                string? where = FirstDifference(all, r * outputs, two, 0, 2 * outputs);
                if (where != null) { Console.WriteLine($"BATCH-MISMATCH {c.Name} row {r}: in 2 rows vs in 37 rows: {where}"); failures++; break; }
            }

            Console.WriteLine($"CASE {c.Name} params={parameters} loss={Bits(lastLoss)} predict1={predict1} predict37={predict37} grad={gradient} trace={Sha(trace)} clipped={clipped.ToString(CultureInfo.InvariantCulture)}");
            return failures;
        }

        private static void FillBatch(Case c, Lcg data, float[] x, int[] classes, float[] targets, float[] weights)
        {
            int outputs = c.Outputs;
            for (int i = 0; i < x.Length; i++) x[i] = data.Value();
            for (int r = 0; r < c.Batch; r++)
            {
                classes[r] = data.Below(outputs);
                Span<float> t = new Span<float>(targets, r * outputs, outputs);
                if (c.Softmax)
                {
                    // A probability row with two classes: 0.75 and 0.25 (exact).
                    t.Clear();
                    int other = (classes[r] + 1 + data.Below(outputs - 1)) % outputs;
                    t[classes[r]] = 0.75f;
                    t[other] = 0.25f;
                }
                else
                {
                    for (int j = 0; j < outputs; j++) t[j] = data.Value();
                }
            }
            for (int r = 0; r < weights.Length; r++) weights[r] = (data.Below(4) + 1) * 0.25f;
        }

        private static string? FirstDifference(float[] expected, int expectedStart, float[] actual, int actualStart, int count)
        {
            for (int j = 0; j < count; j++)
            {
                int e = BitConverter.SingleToInt32Bits(expected[expectedStart + j]), a = BitConverter.SingleToInt32Bits(actual[actualStart + j]);
                if (e != a) return $"output {j}: {a:x8} vs {e:x8}";
            }
            return null;
        }

        private static string Bits(float value) => BitConverter.SingleToInt32Bits(value).ToString("x8", CultureInfo.InvariantCulture);

        /// <summary>SHA-256 of the floats' IEEE-754 bits as little-endian bytes (the same on any byte order). Arrays, not
        /// ReadOnlySpan: Debian Mono's corlib lacks the modreq of ReadOnlySpan's indexer, which csc then rejects.</summary>
        private static string Sha(float[] values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                int b = BitConverter.SingleToInt32Bits(values[i]);
                bytes[4 * i] = (byte)b;
                bytes[4 * i + 1] = (byte)(b >> 8);
                bytes[4 * i + 2] = (byte)(b >> 16);
                bytes[4 * i + 3] = (byte)(b >> 24);
            }
            using (SHA256 sha = SHA256.Create())
            {
                byte[] hash = sha.ComputeHash(bytes);
                var s = new StringBuilder(64);
                foreach (byte h in hash) s.Append(h.ToString("x2", CultureInfo.InvariantCulture));
                return s.ToString();
            }
        }

        /// <summary>Knuth's 64-bit LCG; values are exact: integers −64..64 divided by 32.</summary>
        private sealed class Lcg
        {
            private ulong _state;
            public Lcg(ulong seed) { _state = seed * 2 + 1; }
            private uint Next()
            {
                _state = _state * 6364136223846793005UL + 1442695040888963407UL;
                return (uint)(_state >> 33);
            }
            public float Value() => ((int)(Next() % 129u) - 64) / 32f;
            public int Below(int n) => (int)(Next() % (uint)n);
        }
    }
}
