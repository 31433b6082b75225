#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the storage tests and prints the connection string.
#   .ci/postgres.sh start   -> initdb in a temp dir, start on 127.0.0.1:$PGPORT (default: the first free port from 55432), create the test role; prints
#                              COPILOT_TEST_POSTGRES=... and COPILOT_PG_DIR=... (eval the output)
#   .ci/postgres.sh stop DIR -> stop that cluster and delete DIR
# initdb refuses to run as root, so as root the cluster runs as the unprivileged `postgres` user.
set -euo pipefail

port="${PGPORT:-55432}"
# Without an explicit PGPORT, step past ports another cluster (or anything else) already listens on.
if [ -z "${PGPORT:-}" ]; then
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
fi
password="copilot-ci"

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then
    # runuser keeps it non-interactive; -s in case the postgres user has no login shell.
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin dir
  if ! bin=$(bindir); then
    echo "PostgreSQL binaries are missing; installing them (apt-get install postgresql)" >&2
    if [ "$(id -u)" = "0" ]; then
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    else
      sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    bin=$(bindir)
  fi

  dir=$(mktemp -d /tmp/copilot-pg.XXXXXX)
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres "$dir"
  fi

  printf '%s\n' "$password" > "$dir/pwfile"
  [ "$(id -u)" = "0" ] && chown postgres "$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U copilot --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # Loopback only, socket in the cluster's own dir; enough connections for the concurrency tests (two pools each).
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -h 127.0.0.1 -p $port -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export COPILOT_PG_DIR='$dir'"
  echo "export COPILOT_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=copilot;Password=$password;Database=postgres'"
}

stop() {
  local dir="$1" bin
  bin=$(bindir) || return 0
  if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?usage: postgres.sh stop DIR}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
