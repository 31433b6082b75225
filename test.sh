#!/usr/bin/env bash
# The one test command (README "Tests"; .ci/run calls exactly this). Works on a fresh clone with nothing beside it and
# nothing preinstalled but the .NET SDK: it installs and starts what the tests need, then runs every test.
#   - Node and npm (Debian), then the npm packages of the JS cross-check (Microsoft's Bot Framework token checker) and
#     of the end-to-end tests (Microsoft's Agents Playground, playwright-core);
#   - Chromium (Debian) for the end-to-end tests, and an emoji font so their screenshots show the cards' 🔴/✅;
#   - PostgreSQL (Debian binaries) as a throwaway cluster on a free loopback port in a temp dir, stopped and deleted at
#     exit, for the PostgreSQL store tests.
# Test data is in the repository (tests/Fixtures); nothing outside it is read. Extra arguments go to `dotnet test`
# (e.g. ./test.sh --filter "FullyQualifiedName~ImportTests"). Ends with one line "N passed, N failed, N skipped" and
# the exit status of `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages (non-interactive; sudo only when not root).
apt_updated=""
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" && return 0
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -q && apt_updated=1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" && return 0
  fi
  echo "warning: apt-get install $* failed; the tests that need it will say what is missing" >&2
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
if [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
  apt_install fonts-noto-color-emoji
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql
fi

for js in tests/CopilotBot.Channels.Tests/js tests/CopilotBot.EndToEnd.Tests/js; do
  if command -v npm >/dev/null 2>&1; then
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error) \
      || echo "warning: npm ci failed in $js; the tests that need it will fail and say so" >&2
  else
    echo "warning: npm is not installed; the tests under $js will fail and say so" >&2
  fi
done

# A throwaway PostgreSQL cluster unless the caller gave one (COPILOT_TEST_POSTGRES).
if [ -z "${COPILOT_TEST_POSTGRES:-}" ]; then
  if pg_env=$(.ci/postgres.sh start); then
    eval "$pg_env"
    export COPILOT_TEST_POSTGRES
    trap '.ci/postgres.sh stop "$COPILOT_PG_DIR"' EXIT
  else
    echo "warning: could not start PostgreSQL; the PostgreSQL store tests will fail and say so" >&2
  fi
fi

log=$(mktemp)
set +e
dotnet test CopilotBot.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line summing every test assembly's counts.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
