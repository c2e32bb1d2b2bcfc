using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Mono.Cecil;

namespace EmbeddedMlp.MonoRebind
{
    /// <summary>
    /// Rewrites a library's calls into the base class library so that their <c>ref readonly</c> / <c>in</c> markers
    /// match what a given corlib declares. Roslyn encodes those as <c>modreq(InAttribute)</c> in the signature, and a
    /// call binds only when the caller's signature and the callee's agree. A corlib compiled by mcs (Debian's and
    /// Ubuntu's Mono packages) declares <c>ReadOnlySpan&lt;T&gt;.this[int]</c> and its kin without the modifier, so
    /// MessagePack's calls to them throw <see cref="MissingMethodException"/> there. For each method that an
    /// instruction of the library calls or loads, declared in another assembly, the tool finds the method in the given
    /// framework assemblies (same type, name and signature once the modifiers are ignored) and drops the
    /// <c>modreq(InAttribute)</c> positions that the definition lacks (on the return type and parameters, through
    /// by-reference and pointer types). Against a corlib that has the modifiers it changes nothing. The output is no
    /// longer strong-name signed (Mono and Unity do not verify strong-name signatures).
    ///
    ///   MonoRebind INPUT.dll OUTPUT.dll FRAMEWORK.dll [FRAMEWORK.dll ...]
    ///
    /// OUTPUT may be INPUT (rewritten in place) and is replaced only once the new file is complete; its folder is
    /// created if missing. Exit codes: 0 written (the count of rebound references is printed), 2 bad arguments or an
    /// input that cannot be read as an assembly (one line "error: …" on stderr).
    /// </summary>
    public static class Program
    {
        private const string InAttribute = "System.Runtime.InteropServices.InAttribute";

        public static int Main(string[] args)
        {
            if (args.Length < 3)
            {
                Console.Error.WriteLine("usage: MonoRebind INPUT.dll OUTPUT.dll FRAMEWORK.dll [FRAMEWORK.dll ...]");
                return 2;
            }
            foreach (string path in args.Where((_, i) => i != 1))
                if (!File.Exists(path)) { Console.Error.WriteLine($"error: {path}: file not found"); return 2; }
            try
            {
                Console.WriteLine(Rebind(args[0], args[1], args.Skip(2)));
                return 0;
            }
            catch (Exception e) when (e is BadImageFormatException || e is IOException || e is UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        }

        private static string Rebind(string inputPath, string outputPath, IEnumerable<string> frameworkPaths)
        {
            var frameworkTypes = new Dictionary<string, TypeDefinition>(StringComparer.Ordinal);
            foreach (string path in frameworkPaths)
            {
                using ModuleDefinition framework = Read(path, m => ModuleDefinition.ReadModule(path, m));
                foreach (TypeDefinition t in framework.GetTypes())
                    frameworkTypes.TryAdd(t.FullName, t);
            }

            // Read into memory (OUTPUT may be INPUT), write to a temporary file, then replace OUTPUT.
            using AssemblyDefinition input = Read(inputPath, m => AssemblyDefinition.ReadAssembly(inputPath, m));
            int rebound = 0;
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (MethodReference method in CalledMethods(input.MainModule))
            {
                if (method.DeclaringType.Scope is ModuleDefinition) continue;
                if (!frameworkTypes.TryGetValue(method.DeclaringType.GetElementType().FullName, out TypeDefinition? type)) continue;
                MethodDefinition? target = Find(type, method);
                if (target == null) continue;
                bool changed = false;
                if (HasIn(method.ReturnType) && !HasIn(target.ReturnType)) { method.ReturnType = StripIn(method.ReturnType); changed = true; }
                for (int i = 0; i < method.Parameters.Count; i++)
                {
                    ParameterDefinition p = method.Parameters[i];
                    if (HasIn(p.ParameterType) && !HasIn(target.Parameters[i].ParameterType)) { p.ParameterType = StripIn(p.ParameterType); changed = true; }
                }
                if (changed) { rebound++; names.Add(type.FullName + "::" + method.Name); }
            }
            string fullOutput = Path.GetFullPath(outputPath);
            Directory.CreateDirectory(Path.GetDirectoryName(fullOutput)!);
            string temporary = fullOutput + ".rebind-tmp";
            try
            {
                input.Write(temporary);
                File.Move(temporary, fullOutput, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
            return $"{Path.GetFileName(inputPath)}: {rebound} method references rebound to the framework's signatures" +
                   (names.Count > 0 ? " (" + string.Join(", ", names) + ")" : "");
        }

        /// <summary>Reads a module fully into memory; a file that is not an assembly is reported by its path.</summary>
        private static T Read<T>(string path, Func<ReaderParameters, T> read)
        {
            try
            {
                return read(new ReaderParameters { ReadingMode = ReadingMode.Immediate, InMemory = true });
            }
            catch (BadImageFormatException e)
            {
                throw new BadImageFormatException($"{path}: not a .NET assembly ({e.Message})", e);
            }
        }

        /// <summary>Every distinct method reference that an instruction of the module uses (generic instances unwrapped).</summary>
        private static IEnumerable<MethodReference> CalledMethods(ModuleDefinition module)
        {
            var seen = new HashSet<MethodReference>(ReferenceEqualityComparer.Instance);
            foreach (TypeDefinition type in module.GetTypes())
                foreach (MethodDefinition m in type.Methods)
                {
                    if (!m.HasBody) continue;
                    foreach (Mono.Cecil.Cil.Instruction ins in m.Body.Instructions)
                    {
                        MethodReference? called = ins.Operand as MethodReference;
                        if (called is GenericInstanceMethod gim) called = gim.ElementMethod;
                        if (called != null && called is not MethodDefinition && seen.Add(called)) yield return called;
                    }
                }
        }

        /// <summary>The method of <paramref name="type"/> that <paramref name="reference"/> names, ignoring InAttribute modifiers.</summary>
        private static MethodDefinition? Find(TypeDefinition type, MethodReference reference)
        {
            string key = Key(reference);
            MethodDefinition? found = null;
            foreach (MethodDefinition m in type.Methods)
            {
                if (m.Name != reference.Name || m.Parameters.Count != reference.Parameters.Count || Key(m) != key) continue;
                if (found != null) return null; // ambiguous: leave the reference alone
                found = m;
            }
            return found;
        }

        private static string Key(MethodReference m)
        {
            var sb = new StringBuilder();
            sb.Append(m.HasThis ? "instance " : "static ").Append(m.GenericParameters.Count).Append(' ');
            Append(sb, m.ReturnType);
            sb.Append('(');
            foreach (ParameterDefinition p in m.Parameters) { Append(sb, p.ParameterType); sb.Append(','); }
            return sb.Append(')').ToString();
        }

        /// <summary>A type's signature text with InAttribute modifiers left out and generic parameters by position.</summary>
        private static void Append(StringBuilder sb, TypeReference t)
        {
            switch (t)
            {
                case RequiredModifierType r:
                    if (r.ModifierType.FullName != InAttribute) sb.Append("modreq(").Append(r.ModifierType.FullName).Append(") ");
                    Append(sb, r.ElementType);
                    break;
                case OptionalModifierType o:
                    sb.Append("modopt(").Append(o.ModifierType.FullName).Append(") ");
                    Append(sb, o.ElementType);
                    break;
                case ByReferenceType b: Append(sb, b.ElementType); sb.Append('&'); break;
                case PointerType p: Append(sb, p.ElementType); sb.Append('*'); break;
                case ArrayType a: Append(sb, a.ElementType); sb.Append('[').Append(a.Rank).Append(']'); break;
                case GenericParameter g: sb.Append(g.Type == GenericParameterType.Type ? "!" : "!!").Append(g.Position); break;
                case GenericInstanceType gi:
                    sb.Append(gi.ElementType.FullName).Append('<');
                    foreach (TypeReference arg in gi.GenericArguments) { Append(sb, arg); sb.Append(','); }
                    sb.Append('>');
                    break;
                default: sb.Append(t.FullName); break;
            }
        }

        /// <summary>Whether <see cref="StripIn"/> would remove a modifier: the same type positions it walks.</summary>
        private static bool HasIn(TypeReference t)
        {
            while (true)
            {
                switch (t)
                {
                    case RequiredModifierType r when r.ModifierType.FullName == InAttribute: return true;
                    case RequiredModifierType r: t = r.ElementType; break;
                    case OptionalModifierType o: t = o.ElementType; break;
                    case ByReferenceType b: t = b.ElementType; break;
                    case PointerType p: t = p.ElementType; break;
                    default: return false;
                }
            }
        }

        private static TypeReference StripIn(TypeReference t)
        {
            switch (t)
            {
                case RequiredModifierType r when r.ModifierType.FullName == InAttribute: return StripIn(r.ElementType);
                case RequiredModifierType r: return new RequiredModifierType(r.ModifierType, StripIn(r.ElementType));
                case OptionalModifierType o: return new OptionalModifierType(o.ModifierType, StripIn(o.ElementType));
                case ByReferenceType b: return new ByReferenceType(StripIn(b.ElementType));
                case PointerType p: return new PointerType(StripIn(p.ElementType));
                default: return t;
            }
        }
    }
}
