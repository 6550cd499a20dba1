#!/usr/bin/env bash
# Throwaway local PostgreSQL for running the test suite:
#   scripts/pg_local.sh start|stop|status|url|destroy
# Cluster in $BAOVE_PG_DIR (default /tmp/baove-pg), TCP only on 127.0.0.1:$BAOVE_PG_PORT
# (default 54329), trust auth on loopback only, database "baove" owned by role "baove"
# (LOGIN CREATEDB, not superuser, so pytest-django can create test_baove).
# Durability is switched off: never put data you care about in this cluster.
set -euo pipefail

PGDIR="${BAOVE_PG_DIR:-/tmp/baove-pg}"
case "$PGDIR" in /*) ;; *) PGDIR="$PWD/$PGDIR" ;; esac
PORT="${BAOVE_PG_PORT:-54329}"
DB=baove
ROLE=baove
URL="postgres://${ROLE}@127.0.0.1:${PORT}/${DB}"
LOG="$PGDIR/server.log"

say() { printf 'pg_local: %s\n' "$*" >&2; }
die() { printf 'pg_local: error: %s\n' "$*" >&2; exit 1; }

# Do not let the caller's libpq environment redirect our admin connections.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGOPTIONS PGSERVICE PGSSLMODE || true

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- binaries
INITDB="" PG_CTL="" PSQL=""

has_server_bins() { [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]; }

use_bindir() {
    INITDB="$1/initdb"
    PG_CTL="$1/pg_ctl"
    if [ -x "$1/psql" ]; then PSQL="$1/psql"; else PSQL="$(command -v psql || true)"; fi
}

# Prefer `pg_config --bindir`, then /usr/lib/postgresql/*/bin (newest first), then PATH.
# (On Debian, pg_config can come from libpq-dev without a server, hence the has_server_bins check.)
find_bins() {
    local d
    if [ -n "${BAOVE_PG_BINDIR:-}" ]; then
        has_server_bins "$BAOVE_PG_BINDIR" || die "BAOVE_PG_BINDIR=$BAOVE_PG_BINDIR has no initdb/pg_ctl/postgres"
        use_bindir "$BAOVE_PG_BINDIR"
        return 0
    fi
    if command -v pg_config >/dev/null 2>&1 && d="$(pg_config --bindir 2>/dev/null)" && has_server_bins "$d"; then
        use_bindir "$d"
        return 0
    fi
    while IFS= read -r d; do
        if [ -n "$d" ] && has_server_bins "$d"; then
            use_bindir "$d"
            return 0
        fi
    done < <(shopt -s nullglob; for d in /usr/lib/postgresql/*/bin; do printf '%s\n' "$d"; done | sort -rV)
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 \
        && command -v postgres >/dev/null 2>&1; then
        INITDB="$(command -v initdb)"
        PG_CTL="$(command -v pg_ctl)"
        PSQL="$(command -v psql || true)"
        return 0
    fi
    return 1
}

# Installs the server only when no server binaries exist at all (fresh CI machine).
ensure_bins() {
    find_bins && return 0
    if is_root && command -v apt-get >/dev/null 2>&1; then
        say "no PostgreSQL server binaries found; installing Debian package 'postgresql' with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        # Install postgresql-common first and switch off Debian's automatic "main" cluster,
        # so the install does not leave a second server running on port 5432.
        apt-get install -y -q --no-install-recommends postgresql-common
        if [ -f /etc/postgresql-common/createcluster.conf ]; then
            sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*$/create_main_cluster = false/' \
                /etc/postgresql-common/createcluster.conf
        fi
        apt-get install -y -q --no-install-recommends postgresql
        find_bins || die "installed 'postgresql' but still cannot find initdb/pg_ctl/postgres"
        return 0
    fi
    die "no PostgreSQL server found (initdb, pg_ctl, postgres). Install it (Debian/Ubuntu: sudo apt-get install postgresql) or set BAOVE_PG_BINDIR to its bin directory."
}

# ---------------------------------------------------------------- OS user
# The server refuses to run as root: as root we run everything as the `postgres` OS user.
ensure_user() {
    is_root || return 0
    id -u postgres >/dev/null 2>&1 && return 0
    say "creating system user 'postgres' (the server refuses to run as root)"
    command -v useradd >/dev/null 2>&1 || die "no 'postgres' user and no useradd to create it"
    if getent group postgres >/dev/null 2>&1; then
        useradd --system --gid postgres --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash postgres
    else
        useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash postgres
    fi
}

run_user() { if is_root; then echo postgres; else id -un; fi; }

# Run a command as the cluster owner (cd / so an unreadable cwd does not produce warnings).
as_pg() {
    if is_root; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            (cd / && su -s /bin/bash postgres -c "$(printf '%q ' "$@")")
        fi
    else
        "$@"
    fi
}

# ---------------------------------------------------------------- cluster
is_running() {
    [ -f "$PGDIR/PG_VERSION" ] || return 1
    as_pg "$PG_CTL" -D "$PGDIR" status >/dev/null 2>&1
}

running_port() { sed -n 4p "$PGDIR/postmaster.pid" 2>/dev/null || true; }

fix_ownership() {
    [ -d "$PGDIR" ] || return 0
    if is_root; then
        if [ "$(stat -c %U "$PGDIR")" != postgres ]; then
            say "giving $PGDIR to user postgres"
            chown -R postgres: "$PGDIR"
        fi
    elif [ ! -O "$PGDIR" ]; then
        die "$PGDIR belongs to another user; remove it or set BAOVE_PG_DIR"
    fi
}

init_cluster() {
    local major have out locale=C
    if [ -f "$PGDIR/PG_VERSION" ]; then
        have="$(cat "$PGDIR/PG_VERSION")"
        major="$("$PG_CTL" --version | awk '{print $3}' | cut -d. -f1)"
        [ "$have" = "$major" ] || die "$PGDIR was made by PostgreSQL $have but this server is $major; run: $0 destroy"
        return 0
    fi
    if [ -d "$PGDIR" ] && [ -n "$(ls -A "$PGDIR")" ]; then
        die "$PGDIR exists, is not empty and is not a PostgreSQL cluster; remove it or set BAOVE_PG_DIR"
    fi
    mkdir -p "$PGDIR"
    chmod 700 "$PGDIR"
    if is_root; then chown postgres: "$PGDIR"; fi
    as_pg test -w "$PGDIR" \
        || die "user $(run_user) cannot write $PGDIR (check its parent directories) ; set BAOVE_PG_DIR"
    # C.UTF-8: codepoint sort order (deterministic) but Unicode-aware upper()/lower() for Vietnamese.
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
    say "creating throwaway cluster in $PGDIR (user $(run_user), locale $locale)"
    if ! out="$(as_pg "$INITDB" -D "$PGDIR" -U postgres -A trust -E UTF8 --locale="$locale" -N 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "initdb failed"
    fi
    # Loopback TCP only (no unix socket is created, see baove_local.conf).
    printf '%s\n' \
        '# Written by scripts/pg_local.sh: throwaway test cluster, trust on loopback only.' \
        '# TYPE  DATABASE  USER  ADDRESS       METHOD' \
        'host    all       all   127.0.0.1/32  trust' \
        | as_pg tee "$PGDIR/pg_hba.conf" >/dev/null
    printf '\n%s\n' "include_if_exists 'baove_local.conf'" | as_pg tee -a "$PGDIR/postgresql.conf" >/dev/null
}

# Rewritten on every start so BAOVE_PG_PORT changes take effect.
write_conf() {
    printf '%s\n' \
        '# Written by scripts/pg_local.sh on every start; edits are lost.' \
        "listen_addresses = '127.0.0.1'" \
        "port = $PORT" \
        "unix_socket_directories = ''" \
        '# Throwaway test cluster: crash safety is worthless here, so trade it for speed.' \
        '# NEVER copy these three settings to a server holding real data.' \
        'fsync = off' \
        'synchronous_commit = off' \
        'full_page_writes = off' \
        | as_pg tee "$PGDIR/baove_local.conf" >/dev/null
}

ensure_db() {
    [ -n "$PSQL" ] || die "psql not found (Debian: apt-get install postgresql-client)"
    as_pg "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres >&2 <<SQL
SELECT 'CREATE ROLE $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE')\\gexec
ALTER ROLE $ROLE LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION;
SELECT 'CREATE DATABASE $DB OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB')\\gexec
SQL
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- commands
cmd_start() {
    ensure_bins
    ensure_user
    fix_ownership
    if is_running; then
        local p
        p="$(running_port)"
        [ -z "$p" ] || [ "$p" = "$PORT" ] \
            || die "already running from $PGDIR on port $p, not $PORT; run '$0 stop' first"
        say "already running: $URL"
        ensure_db
        return 0
    fi
    port_in_use "$PORT" && die "port $PORT on 127.0.0.1 is used by another process; set BAOVE_PG_PORT"
    init_cluster
    write_conf
    say "starting PostgreSQL on 127.0.0.1:$PORT (data dir $PGDIR)"
    if ! as_pg "$PG_CTL" -D "$PGDIR" -l "$LOG" -w -t 60 start >/dev/null; then
        say "server failed to start; last lines of $LOG:"
        tail -n 30 "$LOG" >&2 || true
        exit 1
    fi
    ensure_db
    say "ready: $URL"
}

# Like is_running, but never installs anything or creates users.
running_now() {
    find_bins || return 1
    if is_root && ! id -u postgres >/dev/null 2>&1; then return 1; fi
    is_running
}

cmd_stop() {
    if ! running_now; then
        say "not running"
        return 0
    fi
    as_pg "$PG_CTL" -D "$PGDIR" -m fast -w -t 60 stop >/dev/null
    say "stopped (data kept in $PGDIR; '$0 destroy' removes it)"
}

cmd_status() {
    if running_now; then
        say "running on port $(running_port): $URL"
        return 0
    fi
    say "not running"
    return 3
}

cmd_destroy() {
    cmd_stop
    [ -d "$PGDIR" ] || { say "nothing to remove"; return 0; }
    if [ -f "$PGDIR/PG_VERSION" ] || [ -z "$(ls -A "$PGDIR")" ]; then
        rm -rf "$PGDIR"
        say "removed $PGDIR"
    else
        die "$PGDIR does not look like a PostgreSQL cluster; not removing it"
    fi
}

usage() {
    cat <<EOF
usage: $0 start|stop|status|url|destroy
  start    create (first time) and start the throwaway cluster; idempotent
  stop     stop it (data kept)
  status   exit 0 if running, 3 if not
  url      print the DATABASE_URL: $URL
  destroy  stop and delete the data dir
env: BAOVE_PG_DIR (default /tmp/baove-pg), BAOVE_PG_PORT (default 54329),
     BAOVE_PG_BINDIR (directory with initdb/pg_ctl/postgres; default: auto-detect)
EOF
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) printf '%s\n' "$URL" ;;
    destroy) cmd_destroy ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
esac
