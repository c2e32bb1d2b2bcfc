using System;
using System.Diagnostics;
using System.Threading;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>CPU time the whole process uses while the game makes no calls: kernel worker threads must block, not spin.</summary>
public static class IdleCheck
{
    /// <summary>Process CPU milliseconds over <paramref name="idleMs"/> of doing nothing, measured after a short settling pause.</summary>
    public static double IdleCpuMilliseconds(int idleMs = 1000)
    {
        Thread.Sleep(20); // longer than a worker's spin phase
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        Thread.Sleep(idleMs);
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
    }
}
