using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// A compile-time switch for kernels generic over it: <see cref="Exact"/> selects the deterministic mode's arithmetic
    /// (every product rounded, then added: no fused multiply-add), <see cref="Inexact"/> the fastest the path has. The JIT
    /// compiles one copy per struct and folds the test away.
    /// </summary>
    internal interface IExactFlag
    {
        bool IsExact { get; }
    }

    /// <summary>The deterministic mode: no fused multiply-add.</summary>
    internal struct Exact : IExactFlag
    {
        public bool IsExact { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => true; }
    }

    /// <summary>The default mode: fused multiply-add where the path has it.</summary>
    internal struct Inexact : IExactFlag
    {
        public bool IsExact { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => false; }
    }
}
