# shellcheck shell=bash
# The postgres component of the lab: a PostgreSQL server of its own (Debian's postgresql-15 binaries, `initdb` into
# lab/run/postgres/data, listening on 127.0.0.1:55432 and a socket in lab/run/postgres, fsync off: test data only),
# with a password-authenticated role `stockade` owning the database `stockade`, for the store conformance suite and
# the multi-instance tests. PostgreSQL refuses to run as root: as root the data folder belongs to the `postgres`
# system user (created by the Debian package) and the server runs as that user. Sourced by lab/lab.sh.
#
# Interface: postgres_up, postgres_verify, postgres_down, postgres_env, postgres_status, postgres_logs.

PG_DIR=$RUN_DIR/postgres
PG_DATA=$PG_DIR/data
PG_LOG=$PG_DIR/server.log
PG_ADDR=127.0.0.1
PG_PORT=55432
PG_ROLE=stockade
PG_DATABASE=stockade
PG_PASSWORD_FILE=$PG_DIR/password

# The newest installed server's binaries (/usr/lib/postgresql/N/bin), or nothing.
postgres_bin() {
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1)
    [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]] && echo "$dir"
}

# postgres_as CMD...: CMD as the user that owns the cluster (postgres when we are root, else ourselves).
postgres_as() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@" 9<&-
    else
        "$@" 9<&-
    fi
}

postgres_up() {
    local bin
    bin=$(postgres_bin) || { log "no PostgreSQL server binaries under /usr/lib/postgresql (scripts/install-deps.sh test)"; return 1; }
    mkdir -p "$PG_DIR" || return 1
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$PG_PASSWORD_FILE"
    chmod 0644 "$PG_PASSWORD_FILE"
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || { log "no postgres system user (install the postgresql package)"; return 1; }
        chown postgres: "$PG_DIR" || return 1
    fi
    postgres_as "$bin/initdb" --pgdata="$PG_DATA" --username=postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
        || { tail_log initdb "$PG_DIR/initdb.log"; return 1; }
    postgres_as "$bin/pg_ctl" --pgdata="$PG_DATA" --log="$PG_LOG" --wait --timeout=30 \
        --options="-c listen_addresses=$PG_ADDR -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || return 1
    postgres_as "$bin/psql" --host="$PG_DIR" --port="$PG_PORT" --username=postgres --dbname=postgres --quiet \
        --set=ON_ERROR_STOP=1 --set=password="$(cat "$PG_PASSWORD_FILE")" >/dev/null <<SQL
CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD :'password';
CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE;
SQL
}

# postgres_verify: the role logs in over TCP with its password and can create a table in its database.
postgres_verify() {
    local bin out
    bin=$(postgres_bin) || return 1
    out=$(PGPASSWORD=$(cat "$PG_PASSWORD_FILE") "$bin/psql" --host="$PG_ADDR" --port="$PG_PORT" --username="$PG_ROLE" \
        --dbname="$PG_DATABASE" --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 \
        --command="CREATE TEMP TABLE lab_verify (n int); INSERT INTO lab_verify VALUES (42); SELECT n FROM lab_verify" 2>&1 9<&-)
    [[ $out == 42 ]] || { log "postgres verification: $out"; return 1; }
}

postgres_down() {
    local bin
    [[ -f $PG_DATA/postmaster.pid ]] || return 0
    bin=$(postgres_bin) || return 0
    postgres_as "$bin/pg_ctl" --pgdata="$PG_DATA" --mode=fast --wait --timeout=30 stop >/dev/null 2>&1 || true
}

postgres_env() {
    [[ -f $PG_PASSWORD_FILE ]] || return 0
    env_line STOCKADE_LAB_POSTGRES_URL "postgres://$PG_ROLE@$PG_ADDR:$PG_PORT/$PG_DATABASE"
    env_line STOCKADE_LAB_POSTGRES_PASSWORD_FILE "$PG_PASSWORD_FILE"
}

postgres_status() {
    local bin
    bin=$(postgres_bin) || { log "postgres no server binaries"; return 1; }
    if "$bin/pg_isready" --host="$PG_ADDR" --port="$PG_PORT" --quiet 9<&-; then
        log "postgres $PG_ADDR:$PG_PORT accepting connections (database $PG_DATABASE)"
    else log "postgres NOT accepting connections"; return 1; fi
}

postgres_logs() { tail_log postgres "$PG_LOG"; }
