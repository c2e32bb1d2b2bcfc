#if !UNITY_5_3_OR_NEWER // checks of the repository itself: not meaningful inside a Unity project
using System;
using System.IO;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmbeddedMlp.Cli;
using EmbeddedMlp.Tests.Cli;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Package
{
    /// <summary>
    /// One version (docs/releasing.md): package.json's "version" is the source; Directory.Build.props reads it into
    /// MSBuild's Version, which the NuGet packages, the assemblies' informational version and the CLI's
    /// <c>--version</c> take. These tests fail when any of them disagrees with package.json.
    /// </summary>
    [TestFixture]
    public class VersionTests
    {
        private static JsonElement Manifest()
        {
            using (JsonDocument doc = JsonDocument.Parse(RepositoryFiles.Read("package.json")))
                return doc.RootElement.Clone();
        }

        private static string ManifestVersion() => Manifest().GetProperty("version").GetString()!;

        private static string InformationalVersion(Assembly assembly)
        {
            var attribute = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>();
            Assert.That(attribute, Is.Not.Null, assembly.GetName().Name + ": no AssemblyInformationalVersion");
            return attribute!.InformationalVersion;
        }

        [Test]
        public void AssembliesCarryPackageJsonVersion()
        {
            string version = ManifestVersion();
            Assert.That(InformationalVersion(typeof(Mlp).Assembly), Is.EqualTo(version), "EmbeddedMlp.dll vs package.json");
            Assert.That(InformationalVersion(typeof(CommandLineApp).Assembly), Is.EqualTo(version), "embedded-mlp.dll vs package.json");
            Assembly onnx = Assembly.Load(new AssemblyName("EmbeddedMlp.Onnx"));
            Assert.That(InformationalVersion(onnx), Is.EqualTo(version), "EmbeddedMlp.Onnx.dll vs package.json");
            // AssemblyVersion: major.minor.patch.0 of the same version (the prerelease label is not part of it).
            string numeric = Regex.Match(version, @"^\d+\.\d+\.\d+").Value;
            Assert.That(typeof(Mlp).Assembly.GetName().Version!.ToString(), Is.EqualTo(numeric + ".0"));
        }

        [Test]
        public void CliVersionOptionPrintsPackageJsonVersion()
        {
            CliRun run = CliHarness.RunExecutable(new (string, string)[0], "--version");
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.Stdout.Trim(), Is.EqualTo(ManifestVersion()), "embedded-mlp --version vs package.json");
        }

        [Test]
        public void VersionHasOneSource()
        {
            // The NuGet version is MSBuild's Version: read from package.json, never written out a second time.
            string props = RepositoryFiles.Read("Directory.Build.props");
            Assert.That(Regex.Matches(props, @"<Version>").Count, Is.EqualTo(1), "one <Version> in Directory.Build.props");
            Assert.That(props, Does.Contain("package.json"), "Directory.Build.props reads the version from package.json");
            Assert.That(Regex.IsMatch(props, @"<Version>\s*\d"), Is.False, "no literal version in Directory.Build.props");
            foreach (string csproj in new[] { "src/EmbeddedMlp/EmbeddedMlp.csproj", "src/EmbeddedMlp.Onnx/EmbeddedMlp.Onnx.csproj", "src/EmbeddedMlp.Cli/EmbeddedMlp.Cli.csproj" })
                Assert.That(RepositoryFiles.Read(csproj), Does.Not.Match(@"<(Version|VersionPrefix|VersionSuffix|PackageVersion|InformationalVersion)>"), csproj + " must not set its own version");

            // Git-URL pins in the README name the current version's tag.
            string version = ManifestVersion();
            foreach (Match m in Regex.Matches(RepositoryFiles.Read("README.md"), @"#v(\d+\.\d+\.\d+[0-9A-Za-z\-\.]*)"))
                Assert.That(m.Groups[1].Value.TrimEnd('.'), Is.EqualTo(version), "README pins a tag other than package.json's version: " + m.Value);
        }

        [Test]
        public void ChangelogAndManifestLinksFollowUnityConventions()
        {
            JsonElement m = Manifest();
            foreach (string property in new[] { "documentationUrl", "changelogUrl", "licensesUrl" })
            {
                Assert.That(m.TryGetProperty(property, out JsonElement url), Is.True, "package.json: " + property);
                Assert.That(url.GetString(), Does.StartWith("https://github.com/embeddedmlp/embeddedmlp/"), property);
            }
            Assert.That(m.GetProperty("changelogUrl").GetString(), Does.EndWith("/CHANGELOG.md"));
            Assert.That(m.GetProperty("licensesUrl").GetString(), Does.EndWith("/LICENSE"));
            Assert.That(File.Exists(Path.Combine(RepositoryFiles.Root, "LICENSE")), Is.True);

            // Keep a Changelog: an [Unreleased] section first, then released versions newest first, none newer than
            // package.json's version.
            string changelog = RepositoryFiles.Read("CHANGELOG.md");
            Assert.That(changelog, Does.Contain("keepachangelog.com"));
            MatchCollection sections = Regex.Matches(changelog, @"^## \[([^\]]+)\]", RegexOptions.Multiline);
            Assert.That(sections.Count, Is.GreaterThan(0), "CHANGELOG.md has no '## [...]' section");
            Assert.That(sections[0].Groups[1].Value, Is.EqualTo("Unreleased"), "the first section is [Unreleased]");
            Version current = Version.Parse(Regex.Match(ManifestVersion(), @"^\d+\.\d+\.\d+").Value);
            for (int i = 1; i < sections.Count; i++)
            {
                string released = sections[i].Groups[1].Value;
                Assert.That(Regex.IsMatch(released, @"^\d+\.\d+\.\d+"), Is.True, "section heading: " + released);
                Assert.That(Version.Parse(Regex.Match(released, @"^\d+\.\d+\.\d+").Value), Is.LessThanOrEqualTo(current),
                    $"CHANGELOG.md names {released}, newer than package.json's {ManifestVersion()}");
            }
        }
    }
}
#endif
