using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using NUnit.Framework;

namespace EmbeddedMlp.Onnx.Tests
{
    /// <summary>
    /// The netstandard2.1 EmbeddedMlp.Onnx.dll (what Unity and Mono load) calls no framework member whose signature
    /// carries a required modifier, such as <c>ReadOnlySpan&lt;T&gt;.this[int]</c> (<c>ref readonly</c>): Mono builds
    /// whose corlib lacks the modifier (Debian's Mono 6.8) throw MissingMethodException on such calls. (Google.Protobuf.dll
    /// itself makes such calls; docs/onnx.md says how to rebind it, as for MessagePack.dll.)
    /// </summary>
    [TestFixture]
    public class PortableBindingTests
    {
        [Test]
        public void NetstandardAssemblyBindsNoMemberWithARequiredModifier()
        {
            string dll = FindNetstandardAssembly();
            var offenders = new List<string>();
            using (var pe = new PEReader(File.OpenRead(dll)))
            {
                MetadataReader md = pe.GetMetadataReader();
                var finder = new ModifierFinder();
                foreach (MemberReferenceHandle h in md.MemberReferences)
                {
                    MemberReference m = md.GetMemberReference(h);
                    if (m.GetKind() != MemberReferenceKind.Method) continue;
                    finder.Found = false;
                    m.DecodeMethodSignature(finder, null);
                    if (finder.Found) offenders.Add(md.GetString(m.Name));
                }
            }
            Assert.That(offenders.Distinct().OrderBy(o => o), Is.Empty, $"{dll}: calls that fail on Mono builds without the modifier");
        }

        private static string FindNetstandardAssembly()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "EmbeddedMlp.sln"))) dir = Path.GetDirectoryName(dir);
            Assert.That(dir, Is.Not.Null, "repository root");
            foreach (string config in new[] { "release", "debug" })
            {
                string dll = Path.Combine(dir!, ".artifacts", "bin", "EmbeddedMlp.Onnx", config + "_netstandard2.1", "EmbeddedMlp.Onnx.dll");
                if (File.Exists(dll)) return dll;
            }
            Assert.Fail("the netstandard2.1 build of EmbeddedMlp.Onnx is missing");
            return "";
        }

        /// <summary>Decodes signatures, noting whether a required modifier occurs.</summary>
        private sealed class ModifierFinder : ISignatureTypeProvider<int, object?>
        {
            public bool Found;
            public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) { Found |= isRequired; return 0; }
            public int GetArrayType(int elementType, ArrayShape shape) => 0;
            public int GetByReferenceType(int elementType) => 0;
            public int GetFunctionPointerType(MethodSignature<int> signature) => 0;
            public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;
            public int GetGenericMethodParameter(object? genericContext, int index) => 0;
            public int GetGenericTypeParameter(object? genericContext, int index) => 0;
            public int GetPinnedType(int elementType) => 0;
            public int GetPointerType(int elementType) => 0;
            public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;
            public int GetSZArrayType(int elementType) => 0;
            public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => 0;
            public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => 0;
            public int GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        }
    }
}
