using System.Runtime.CompilerServices;

// In the source rather than the project file: Unity compiles this folder from its .cs files and never reads
// EmbeddedMlp.csproj, and both its test assembly (EmbeddedMlp.Tests.asmdef) and the ONNX bridge (EmbeddedMlp.Onnx.asmdef,
// which saves through the same atomic writer as ModelFile.Save) use internals of this one.
[assembly: InternalsVisibleTo("EmbeddedMlp.Tests")]
[assembly: InternalsVisibleTo("EmbeddedMlp.Onnx")]
