using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// Element access to a <see cref="ReadOnlySpan{T}"/> without its indexer. <c>ReadOnlySpan&lt;T&gt;.this[int]</c>
    /// returns <c>ref readonly T</c>, which the netstandard2.1 reference encodes with <c>modreq(InAttribute)</c>; Mono
    /// builds whose corlib lacks that modifier (Debian's Mono 6.8, checked by <c>.ci/mono-smoke</c>) throw
    /// <see cref="MissingMethodException"/> at the call. Indexing a <see cref="Span{T}"/> binds to <c>ref T</c>, which
    /// every runtime has, so read-only inputs are read through a span view of the same memory. The view is only
    /// ever read from. A test (<c>PortableBindingTests</c>) keeps such calls out of the netstandard2.1 assembly.
    /// </summary>
    internal static class SpanAccess
    {
        /// <summary>A span over the same memory as <paramref name="span"/>, for reading only.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static Span<T> View<T>(ReadOnlySpan<T> span) =>
            MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);
    }
}
