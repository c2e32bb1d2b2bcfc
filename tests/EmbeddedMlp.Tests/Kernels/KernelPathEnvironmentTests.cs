using System;
using EmbeddedMlp.Kernels;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// The kernel path running is the one the process environment selects. CI reruns the path-dependent tests with
    /// DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 and sets EMBEDDEDMLP_EXPECT_PATH to the path those runs must
    /// take (Vector128, Scalar): a runtime that ignored the switch would otherwise rerun the same path unnoticed.
    /// </summary>
    [TestFixture]
    public class KernelPathEnvironmentTests
    {
        [Test]
        public void ActivePathIsTheOneTheEnvironmentSelects()
        {
            string? expected = Environment.GetEnvironmentVariable("EMBEDDEDMLP_EXPECT_PATH");
            string? forced = Environment.GetEnvironmentVariable("EMBEDDEDMLP_KERNELS");
            Assert.That(KernelDispatch.IsSupported(KernelDispatch.Active), Is.True, $"Active path {KernelDispatch.Active} is not supported here");
            if (!string.IsNullOrEmpty(expected))
            {
                Assert.That(Enum.TryParse(expected, true, out KernelPath path) && Enum.IsDefined(typeof(KernelPath), path), Is.True,
                    $"EMBEDDEDMLP_EXPECT_PATH: expected a KernelPath name (Scalar, PortableVector, Vector128, Vector256), found '{expected}'");
                Assert.That(KernelDispatch.Active, Is.EqualTo(path), "the path running is not the one this run expects (EMBEDDEDMLP_EXPECT_PATH)");
                if (string.IsNullOrEmpty(forced))
                    Assert.That(KernelDispatch.Best, Is.EqualTo(path), "without EMBEDDEDMLP_KERNELS the expected path must be the best one left to the runtime");
            }
            else if (string.IsNullOrEmpty(forced))
            {
                Assert.That(KernelDispatch.Active, Is.EqualTo(KernelDispatch.Best), "without EMBEDDEDMLP_KERNELS the best path runs");
            }
            else
            {
                KernelPath wanted;
                switch (forced.ToLowerInvariant())
                {
                    case "scalar": wanted = KernelPath.Scalar; break;
                    case "vector": wanted = KernelPath.PortableVector; break;
                    case "vector128": wanted = KernelPath.Vector128; break;
                    case "vector256": wanted = KernelPath.Vector256; break;
                    default: wanted = KernelDispatch.Best; break; // an unknown value is ignored
                }
                KernelPath running = KernelDispatch.IsSupported(wanted) ? wanted : KernelDispatch.Best;
                Assert.That(KernelDispatch.Active, Is.EqualTo(running), $"EMBEDDEDMLP_KERNELS={forced}");
            }
        }
    }
}
