#!/usr/bin/env bash
# Builds the Teams app package: manifest.json with your bot's app id, and the two icons, zipped.
# Usage: manifest/teams/package.sh <Microsoft app id (GUID)> [out.zip]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
app_id="${1:?usage: package.sh <Microsoft app id> [out.zip]}"
out="${2:-$here/copilotbot-teams.zip}"
if ! [[ "$app_id" =~ ^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$ ]]; then
  echo "error: '$app_id' is not a GUID; use the bot's Microsoft app id (Bot:MicrosoftAppId)" >&2
  exit 2
fi
work="$(mktemp -d)"
sed "s/00000000-0000-0000-0000-000000000000/$app_id/g" "$here/manifest.json" > "$work/manifest.json"
cp "$here/color.png" "$here/outline.png" "$work/"
(cd "$work" && python3 -m zipfile -c "$out" manifest.json color.png outline.png)
rm -rf "$work"
echo "Teams app package: $out"
