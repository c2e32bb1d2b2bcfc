#if !UNITY_5_3_OR_NEWER // inspects the build output: not meaningful inside a Unity project
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Package
{
    /// <summary>
    /// The netstandard2.1 runtime assembly (what Unity and Mono load) must not call framework members whose
    /// signatures carry required modifiers, such as <c>ReadOnlySpan&lt;T&gt;.this[int]</c>
    /// (<c>ref readonly</c> = <c>modreq(InAttribute)</c>): Mono builds whose corlib lacks the modifier (Debian's Mono
    /// 6.8) throw MissingMethodException on such calls. Reading through <c>Kernels.SpanAccess.View</c> avoids them.
    /// Nor may it call the few framework methods whose Mono 6.8 signature differs without a modifier to show it. The
    /// same holds for EmbeddedMlp.Onnx.dll (Google.Protobuf.dll itself makes such calls; docs/onnx.md says how to
    /// rebind it, as MessagePack.dll).
    /// </summary>
    [TestFixture]
    public class PortableBindingTests
    {
        /// <summary>The shipped assemblies: the runtime, and EmbeddedMlp.Onnx (built with the solution).</summary>
        private static readonly string[] Assemblies = { "EmbeddedMlp", "EmbeddedMlp.Onnx" };

        [TestCaseSource(nameof(Assemblies))]
        public void NetstandardAssemblyBindsNoFrameworkMemberWithARequiredModifier(string project)
        {
            var offenders = MethodReferences(project).Where(r => r.RequiredModifier).Select(r => r.Name);
            Assert.That(offenders.Distinct().OrderBy(o => o), Is.Empty,
                "calls that fail on Mono builds without the modifier; read ReadOnlySpan<T> through SpanAccess.View");
        }

        /// <summary>
        /// Framework methods whose signature in Mono 6.8's corlib differs from the netstandard2.1 reference without a
        /// modifier showing it (read from that corlib with ikdasm): <c>BuffersExtensions.ToArray</c>, <c>CopyTo</c> and
        /// <c>PositionOf</c> take the <c>ReadOnlySequence&lt;T&gt;</c> by value there, by <c>in</c> reference here, so
        /// the call does not bind (MissingMethodException, seen in <c>.ci/mono-smoke</c>).
        /// </summary>
        private static readonly string[] SignatureDiffersOnMono =
        {
            "System.Buffers.BuffersExtensions::ToArray",
            "System.Buffers.BuffersExtensions::CopyTo",
            "System.Buffers.BuffersExtensions::PositionOf",
        };

        [TestCaseSource(nameof(Assemblies))]
        public void NetstandardAssemblyCallsNoFrameworkMethodWhoseSignatureDiffersOnMono(string project)
        {
            var found = MethodReferences(project).Select(r => r.Name).Where(name => SignatureDiffersOnMono.Contains(name));
            Assert.That(found.Distinct().OrderBy(o => o), Is.Empty,
                "calls that fail on Mono 6.8; copy sequences segment by segment (MsgPackInput.Contiguous)");
        }

        /// <summary>Every method the netstandard2.1 assembly references, as Type::Name, and whether its signature carries a required modifier.</summary>
        private static List<(string Name, bool RequiredModifier)> MethodReferences(string project)
        {
            var references = new List<(string, bool)>();
            using (var pe = new PEReader(File.OpenRead(NetstandardAssembly(project))))
            {
                MetadataReader md = pe.GetMetadataReader();
                var provider = new ModifierFinder(md);
                foreach (MemberReferenceHandle h in md.MemberReferences)
                {
                    MemberReference m = md.GetMemberReference(h);
                    if (m.GetKind() != MemberReferenceKind.Method) continue;
                    provider.Found = false;
                    m.DecodeMethodSignature(provider, null);
                    references.Add(($"{provider.ParentName(m.Parent)}::{md.GetString(m.Name)}", provider.Found));
                }
            }
            return references;
        }

        private static string NetstandardAssembly(string project)
        {
            string dll = Path.Combine(RepositoryFiles.Root, ".artifacts", "bin", project, "release_netstandard2.1", project + ".dll");
            if (!File.Exists(dll)) dll = Path.Combine(RepositoryFiles.Root, ".artifacts", "bin", project, "debug_netstandard2.1", project + ".dll");
            Assert.That(File.Exists(dll), Is.True, $"{dll}: the netstandard2.1 build is missing (build the solution)");
            return dll;
        }

        /// <summary>Decodes signatures to strings, noting whether any required modifier occurs.</summary>
        private sealed class ModifierFinder : ISignatureTypeProvider<string, object?>
        {
            private readonly MetadataReader _md;
            public bool Found;
            public ModifierFinder(MetadataReader md) { _md = md; }

            public string ParentName(EntityHandle parent)
            {
                switch (parent.Kind)
                {
                    case HandleKind.TypeReference: return GetTypeFromReference(_md, (TypeReferenceHandle)parent, 0);
                    case HandleKind.TypeSpecification: return GetTypeFromSpecification(_md, null, (TypeSpecificationHandle)parent, 0);
                    case HandleKind.TypeDefinition: return GetTypeFromDefinition(_md, (TypeDefinitionHandle)parent, 0);
                    default: return parent.Kind.ToString();
                }
            }

            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired)
            {
                if (isRequired) Found = true;
                return unmodifiedType;
            }

            public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
            public string GetByReferenceType(string elementType) => elementType + "&";
            public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
            public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
            public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
            public string GetPinnedType(string elementType) => elementType;
            public string GetPointerType(string elementType) => elementType + "*";
            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
            public string GetSZArrayType(string elementType) => elementType + "[]";
            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);
            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
            {
                TypeReference t = reader.GetTypeReference(handle);
                return reader.GetString(t.Namespace) + "." + reader.GetString(t.Name);
            }
            public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        }
    }
}
#endif
