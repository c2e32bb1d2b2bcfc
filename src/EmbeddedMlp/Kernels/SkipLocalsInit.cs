#if !NET5_0_OR_GREATER
namespace System.Runtime.CompilerServices
{
    /// <summary>Lets the compiler omit zero-initialisation of stackalloc'd scratch (recognised by name).</summary>
    [AttributeUsage(AttributeTargets.Module | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method | AttributeTargets.Constructor, Inherited = false)]
    internal sealed class SkipLocalsInitAttribute : Attribute { }
}
#endif
