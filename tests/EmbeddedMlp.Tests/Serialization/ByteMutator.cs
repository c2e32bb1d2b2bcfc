using System;
using System.Collections.Generic;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// One to three seeded mutations of a valid file: a bit flip, a truncation, inserted or deleted bytes, a forged
    /// length and a swapped type byte. The last two know the format (MessagePack headers, protobuf tags): the caller
    /// supplies them. Shared by the model-file and ONNX fuzz tests (the ONNX test project links this file).
    /// </summary>
    internal static class ByteMutator
    {
        /// <summary>Rewrites one length in <c>data</c> to claim more or less than is there; returns a description.</summary>
        public delegate string ForgeLength(List<byte> data, Random rng);

        /// <summary>Replaces the byte at <c>at</c> (which exists) with another type or wire code; returns a description.</summary>
        public delegate string SwapType(List<byte> data, int at, Random rng);

        /// <summary>A mutated copy of <paramref name="original"/>; <paramref name="how"/> describes the mutations.</summary>
        public static byte[] Mutate(byte[] original, Random rng, ForgeLength forge, SwapType swap, out string how)
        {
            var data = new List<byte>(original);
            int count = 1 + rng.Next(3);
            how = "";
            for (int m = 0; m < count; m++)
            {
                int kind = rng.Next(6);
                int at = data.Count == 0 ? 0 : rng.Next(data.Count);
                switch (kind)
                {
                    case 0: // bit flip
                        if (data.Count == 0) break;
                        int bit = rng.Next(8);
                        data[at] ^= (byte)(1 << bit);
                        how += $"flip bit {bit} at {at}; ";
                        break;
                    case 1: // truncation
                        data.RemoveRange(at, data.Count - at);
                        how += $"truncate at {at}; ";
                        break;
                    case 2: // inserted bytes
                        int n = 1 + rng.Next(4);
                        for (int k = 0; k < n; k++) data.Insert(at, (byte)rng.Next(256));
                        how += $"insert {n} at {at}; ";
                        break;
                    case 3: // deleted bytes
                        int d = Math.Min(1 + rng.Next(4), data.Count - at);
                        data.RemoveRange(at, d);
                        how += $"delete {d} at {at}; ";
                        break;
                    case 4: // forged length: a header claiming far more (or less) than is there
                        how += forge(data, rng) + "; ";
                        break;
                    default: // type swap
                        if (data.Count == 0) break;
                        how += swap(data, at, rng) + "; ";
                        break;
                }
            }
            return data.ToArray();
        }
    }
}
