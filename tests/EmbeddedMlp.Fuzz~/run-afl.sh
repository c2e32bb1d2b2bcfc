#!/usr/bin/env bash
# Coverage-guided fuzzing of the model-file reader: SharpFuzz-instrumented EmbeddedMlp + MessagePack under AFL++.
# Usage: tests/EmbeddedMlp.Fuzz~/run-afl.sh [seconds=1800]     (not part of CI; see README.md)
# Needs: apt-get install afl++ ; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-1800}
export PATH="$PATH:$HOME/.dotnet/tools"
work=.artifacts/fuzz
bin=$work/bin

dotnet build tests/EmbeddedMlp.Fuzz~ -c Release -warnaserror
rm -rf "$bin"; mkdir -p "$bin"
cp -r .artifacts/bin/EmbeddedMlp.Fuzz/release/. "$bin/"
# Instrument the code under test (our reader and MessagePack's), never the harness or SharpFuzz itself.
sharpfuzz "$bin/EmbeddedMlp.dll"
sharpfuzz "$bin/MessagePack.dll"

seeds=${SEEDS:-tests/EmbeddedMlp.Fuzz~/seeds}   # SEEDS=DIR to start from another corpus (e.g. an earlier queue)
out=$work/findings
mkdir -p "$out"
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
# -V: stop after the given time; -t: per-input time-out in ms (a hang is a finding); -m none: the CLR maps a lot.
afl-fuzz -V "$seconds" -t 5000 -m none -i "$seeds" -o "$out" -- dotnet "$bin/EmbeddedMlp.Fuzz.dll"
