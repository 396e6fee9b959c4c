#!/usr/bin/env bash
# Regenerates docs/img/report.png, the README's picture of `uvmsim report`: the report of
# three scenarios under the four presets, rendered by headless Chromium (apt-get install chromium).
# Usage: bash docs/screenshot.sh   (from anywhere; writes only docs/img/report.png)
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${UVMSIM_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "screenshot.sh: no Chromium found (apt-get install chromium, or set UVMSIM_CHROMIUM)" >&2
  exit 2
fi
dotnet build -c Release src/UvmSim.Cli -v q -nologo >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet src/UvmSim.Cli/bin/Release/net10.0/UvmSim.Cli.dll report \
  examples/s9-shm-lock-then-munlock.scn examples/s13-shm-unlock-in-child.scn examples/s26-vslock-mlocked.scn \
  -o "$work/report.html" >/dev/null
# A fresh profile, no network, light colour scheme; the window is the picture's size.
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$work/profile" --proxy-server=127.0.0.1:9 --force-color-profile=srgb \
  --blink-settings=preferredColorScheme=1 --window-size=1600,1000 \
  --screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null
mkdir -p docs/img
cp "$work/report.png" docs/img/report.png
echo "wrote docs/img/report.png ($(stat -c %s docs/img/report.png) bytes)"
