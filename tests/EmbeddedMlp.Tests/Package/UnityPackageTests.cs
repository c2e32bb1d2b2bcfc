#if !UNITY_5_3_OR_NEWER // checks of the repository itself: not meaningful inside a Unity project
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Package
{
    /// <summary>The repository is a valid Unity package: manifest, assembly definitions, committed .meta files.</summary>
    [TestFixture]
    public class UnityPackageTests
    {
        private static JsonElement Json(string relative)
        {
            using (JsonDocument doc = JsonDocument.Parse(RepositoryFiles.Read(relative), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow }))
                return doc.RootElement.Clone();
        }

        private static string Str(JsonElement e, string property)
        {
            Assert.That(e.TryGetProperty(property, out JsonElement v), Is.True, $"missing property '{property}'");
            Assert.That(v.ValueKind, Is.EqualTo(JsonValueKind.String), $"'{property}' must be a string");
            string s = v.GetString()!;
            Assert.That(s.Trim(), Is.Not.Empty, $"'{property}' must not be empty");
            return s;
        }

        [Test]
        public void ManifestFollowsUnityRules()
        {
            JsonElement m = Json("package.json");
            string name = Str(m, "name");
            Assert.That(name, Does.Match(@"^[a-z0-9][a-z0-9\-_]*(\.[a-z0-9][a-z0-9\-_]*){2,}$"), "reverse-domain, lower-case");
            Assert.That(name.Length, Is.LessThanOrEqualTo(50));
            Assert.That(name, Does.Not.Contain("unity"));
            Assert.That(Str(m, "version"), Does.Match(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z\-\.]+)?(\+[0-9A-Za-z\-\.]+)?$"), "SemVer");
            Str(m, "displayName");
            Str(m, "description");
            Assert.That(Str(m, "unity"), Is.EqualTo("2021.3"));
            Str(m, "license");
            Assert.That(Str(m, "documentationUrl"), Does.StartWith("https://"));
            Str(m.GetProperty("author"), "name");
            Assert.That(m.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()), Is.Not.Empty.And.All.Not.Empty);

            JsonElement[] samples = m.GetProperty("samples").EnumerateArray().ToArray();
            Assert.That(samples, Is.Not.Empty);
            foreach (JsonElement s in samples)
            {
                Str(s, "displayName");
                Str(s, "description");
                string path = Str(s, "path");
                Assert.That(path.Split('/')[0], Does.EndWith("~"), "a sample folder Unity does not compile until imported");
                Assert.That(Directory.Exists(Path.Combine(RepositoryFiles.Root, path)), Is.True, $"samples path {path}");
                Assert.That(Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, path), "*.asmdef", SearchOption.AllDirectories), Is.Not.Empty,
                    "an imported sample needs its own assembly definition");
            }
        }

        private static IEnumerable<string> AsmdefFiles() =>
            RepositoryFiles.Listed().Where(f => f.EndsWith(".asmdef", StringComparison.Ordinal));

        /// <summary>
        /// DLL names a project's netstandard2.1 build resolves from NuGet (read from the restore's assets file): the
        /// runtime's by default, EmbeddedMlp.Onnx's for its asmdef.
        /// </summary>
        private static HashSet<string> NetstandardDependencyDlls(string project = "EmbeddedMlp")
        {
            string assets = Path.Combine(RepositoryFiles.Root, ".artifacts", "obj", project, "project.assets.json");
            Assert.That(File.Exists(assets), Is.True, $"{assets}: build the solution first");
            var dlls = new HashSet<string>(StringComparer.Ordinal);
            using (JsonDocument doc = JsonDocument.Parse(File.ReadAllText(assets)))
            {
                JsonElement target = doc.RootElement.GetProperty("targets").EnumerateObject().Single(t => t.Name.StartsWith(".NETStandard,Version=v2.1", StringComparison.Ordinal) || t.Name == "netstandard2.1").Value;
                foreach (JsonProperty lib in target.EnumerateObject())
                    if (lib.Value.TryGetProperty("runtime", out JsonElement runtime))
                        foreach (JsonProperty file in runtime.EnumerateObject())
                            if (file.Name.EndsWith(".dll", StringComparison.Ordinal)) dlls.Add(Path.GetFileName(file.Name));
            }
            return dlls;
        }

        [Test]
        public void AssemblyDefinitionsAreWellFormedAndSafe()
        {
            string[] files = AsmdefFiles().ToArray();
            Assert.That(files, Has.Member("src/EmbeddedMlp/EmbeddedMlp.asmdef"));
            Assert.That(files, Has.Member("tests/EmbeddedMlp.Tests/EmbeddedMlp.Tests.asmdef"));
            var names = files.ToDictionary(f => f, f => Str(Json(f), "name"));
            Assert.That(names.Values, Is.Unique);
            var unityAssemblies = new[] { "UnityEngine.TestRunner", "UnityEditor.TestRunner" };
            HashSet<string> dependencies = NetstandardDependencyDlls();
            Assert.That(dependencies, Has.Member("MessagePack.dll"), "the restore must list the runtime's dependencies");

            foreach (string f in files)
            {
                JsonElement a = Json(f);
                foreach (JsonElement r in a.TryGetProperty("references", out JsonElement refs) ? refs.EnumerateArray() : Enumerable.Empty<JsonElement>())
                    Assert.That(names.Values.Concat(unityAssemblies), Has.Member(r.GetString()), $"{f}: reference");
                bool overrides = a.TryGetProperty("overrideReferences", out JsonElement o) && o.GetBoolean();
                if (a.TryGetProperty("precompiledReferences", out JsonElement pre))
                {
                    Assert.That(overrides || pre.GetArrayLength() == 0, Is.True, $"{f}: precompiledReferences need overrideReferences");
                    foreach (JsonElement dll in pre.EnumerateArray())
                    {
                        string d = dll.GetString()!;
                        // An asmdef under src/<Project>/ may name what that project's netstandard2.1 build depends on.
                        string[] parts = f.Split('/');
                        HashSet<string> own = parts.Length > 2 && parts[0] == "src" && parts[1] != "EmbeddedMlp" ? NetstandardDependencyDlls(parts[1]) : dependencies;
                        bool known = own.Contains(d) || (d == "nunit.framework.dll" && f.StartsWith("tests/", StringComparison.Ordinal));
                        Assert.That(known, Is.True, $"{f}: precompiled reference {d} is not among the netstandard dependencies ({string.Join(", ", own)})");
                    }
                }
            }

            JsonElement runtime = Json("src/EmbeddedMlp/EmbeddedMlp.asmdef");
            Assert.That(runtime.GetProperty("noEngineReferences").GetBoolean(), Is.True);
            Assert.That(runtime.GetProperty("allowUnsafeCode").GetBoolean(), Is.True, "the kernels use pointers");
            string[] runtimeRefs = runtime.GetProperty("precompiledReferences").EnumerateArray().Select(e => e.GetString()!).ToArray();
            Assert.That(runtimeRefs, Has.Member("MessagePack.dll").And.No.Member("Microsoft.Extensions.ObjectPool.dll"));

            JsonElement tests = Json("tests/EmbeddedMlp.Tests/EmbeddedMlp.Tests.asmdef");
            Assert.That(tests.GetProperty("defineConstraints").EnumerateArray().Select(e => e.GetString()), Has.Member("UNITY_INCLUDE_TESTS"));
            Assert.That(tests.GetProperty("precompiledReferences").EnumerateArray().Select(e => e.GetString()), Has.Member("nunit.framework.dll"));
        }

        [Test]
        public void EveryImportedPathHasAStableUniqueMetaAndNoMetaIsOrphaned()
        {
            IReadOnlyList<string> listed = RepositoryFiles.Listed();
            var imported = listed.Where(RepositoryFiles.IsImportedByUnity).ToList();
            var assets = new HashSet<string>(imported.Where(f => !f.EndsWith(".meta", StringComparison.Ordinal)), StringComparer.Ordinal);
            foreach (string f in assets.ToList())
                for (string? d = Path.GetDirectoryName(f)?.Replace('\\', '/'); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d)?.Replace('\\', '/'))
                    assets.Add(d!);
            var metas = new HashSet<string>(imported.Where(f => f.EndsWith(".meta", StringComparison.Ordinal)).Select(f => f.Substring(0, f.Length - 5)), StringComparer.Ordinal);

            Assert.That(assets.Where(a => !metas.Contains(a)).OrderBy(a => a), Is.Empty, "assets without a .meta (run .ci/unity-meta)");
            Assert.That(metas.Where(m => !assets.Contains(m)).OrderBy(m => m), Is.Empty, "orphaned .meta files (run .ci/unity-meta)");

            var guids = new Dictionary<string, string>();
            var guidLine = new Regex(@"^guid: ([0-9a-f]{32})\s*$", RegexOptions.Multiline);
            foreach (string m in metas)
            {
                string text = RepositoryFiles.Read(m + ".meta");
                Assert.That(text, Does.StartWith("fileFormatVersion: 2"), m + ".meta");
                Match g = guidLine.Match(text);
                Assert.That(g.Success, Is.True, $"{m}.meta: expected a 32-hex-digit guid line");
                Assert.That(guids.ContainsKey(g.Groups[1].Value), Is.False, $"{m}.meta repeats the GUID of {(guids.TryGetValue(g.Groups[1].Value, out string? other) ? other : "")}.meta");
                guids[g.Groups[1].Value] = m;
                bool isFolder = Directory.Exists(Path.Combine(RepositoryFiles.Root, m));
                Assert.That(text.Contains("folderAsset: yes"), Is.EqualTo(isFolder), $"{m}.meta: folderAsset");
            }
        }

        [Test]
        public void NoBuildOutputInsidePackageFolders()
        {
            var offenders = RepositoryFiles.Listed().Where(f => f.Split('/').Any(p => p == "bin" || p == "obj" || p == "TestResults" || p == "BenchmarkDotNet.Artifacts")).ToList();
            Assert.That(offenders, Is.Empty);
            string props = RepositoryFiles.Read("Directory.Build.props");
            Assert.That(props, Does.Contain("<ArtifactsPath>$(MSBuildThisFileDirectory).artifacts</ArtifactsPath>"));
        }
    }
}
#endif
