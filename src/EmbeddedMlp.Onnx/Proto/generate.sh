#!/usr/bin/env bash
# Regenerates Onnx.g.cs from onnx.proto. CI does not run this: the generated C# is committed, so builds need no protoc.
#
# The schema: onnx.proto of ONNX 1.12.0 (IR version 8, opsets up to 17; proto2 syntax, which Google.Protobuf reads),
# unmodified, as Debian ships it in python3-onnx 1.12.0-2+b4. To take it from the package again:
#   apt-get download python3-onnx && dpkg-deb -x python3-onnx_*.deb deb
#   cp deb/usr/lib/python3/dist-packages/onnx/onnx.proto src/EmbeddedMlp.Onnx/Proto/onnx.proto
# The checksum below is that file's; change it only together with the file.
#
# The compiler: protoc 36.2 (libprotoc) from the NuGet package Google.Protobuf.Tools 3.36.2, tools/linux_x64/protoc
# (tools/macosx_x64 and tools/windows_x64 hold the same compiler for other hosts). The package is downloaded into the
# NuGet global packages folder by a throw-away project (PackageDownload) in a temporary folder.
#
# The command (from this folder):
#   protoc --proto_path=. --csharp_out=. --csharp_opt=internal_access,file_extension=.g.cs onnx.proto
# internal_access keeps the generated types (namespace Onnx) out of EmbeddedMlp.Onnx's public API.
set -euo pipefail
cd "$(dirname "$0")"

expected=a96f50c0fe1ff9180b6025843d4f7efcf53b024c83db55a36cd24a1e44345182
actual=$(sha256sum onnx.proto | cut -d' ' -f1)
[ "$actual" = "$expected" ] || { echo "error: onnx.proto has sha256 $actual, expected $expected" >&2; exit 1; }

version=3.36.2
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
protoc="$packages/google.protobuf.tools/$version/tools/linux_x64/protoc"
if [ ! -x "$protoc" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cat > "$tmp/download.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Google.Protobuf.Tools" Version="[$version]" /></ItemGroup>
</Project>
EOF
  dotnet restore "$tmp/download.csproj" >/dev/null
  chmod +x "$protoc" 2>/dev/null || true
fi
"$protoc" --version

"$protoc" --proto_path=. --csharp_out=. --csharp_opt=internal_access,file_extension=.g.cs onnx.proto
echo "wrote $(pwd)/Onnx.g.cs"
