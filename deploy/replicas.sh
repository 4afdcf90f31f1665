#!/usr/bin/env bash
# Several replicas on this machine, loopback only: a local PostgreSQL server, one ingest,
# N `chatbot serve` replicas (each with its own empty data dir) and Debian's nginx in front.
#
#   deploy/replicas.sh start   # prints the URL (http://127.0.0.1:$PORT)
#   deploy/replicas.sh stop
#
# Settings (environment): PORT (nginx, 8000), PGPORT (5433), REPLICA_PORTS ("8101 8102"),
# DATABASE_URL (use this database instead of starting a local PostgreSQL server),
# STATE (.replicas: database files, logs, pid files), CHATBOT (the chatbot command,
# .venv/bin/chatbot; may be "python -m chatbot.cli"), CHATBOT_NOTES_DIR (notes to
# ingest). Other CHATBOT_* variables reach the replicas unchanged. As root, PostgreSQL
# runs as the `postgres` user; when that user cannot enter STATE (e.g. under /root), its
# files go to /var/tmp/chatbot-replicas-pg-$PGPORT instead.
set -euo pipefail

PORT=${PORT:-8000}
PGPORT=${PGPORT:-5433}
REPLICA_PORTS=${REPLICA_PORTS:-"8101 8102"}
STATE=$(realpath -m "${STATE:-.replicas}")
CHATBOT=${CHATBOT:-.venv/bin/chatbot}
DB_URL=${DATABASE_URL:-"postgresql+psycopg://postgres@127.0.0.1:${PGPORT}/chatbot"}
mkdir -p "$STATE"
PG_DIR="$STATE/pg"
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$STATE"; then
    PG_DIR="/var/tmp/chatbot-replicas-pg-$PGPORT"
fi

pg_bin() {
    if command -v initdb >/dev/null; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$found" ] || { echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
    echo "$found"
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() {  # URL, seconds
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1"; do
        [ $SECONDS -lt $deadline ] || { echo "not ready: $1" >&2; return 1; }
        sleep 0.5
    done
}

start_postgres() {
    local bin
    bin=$(pg_bin)
    if [ ! -d "$PG_DIR/data" ]; then
        mkdir -p "$PG_DIR"
        [ "$(id -u)" != 0 ] || chown postgres:postgres "$PG_DIR"
        as_postgres "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $PGPORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'chatbot'" | grep -q 1 \
        || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres chatbot
}

start() {
    [ -n "${DATABASE_URL:-}" ] || start_postgres
    CHATBOT_DATABASE_URL=$DB_URL CHATBOT_DATA_DIR="$STATE/ingest" $CHATBOT ingest

    local upstream="" i=0 port
    for port in $REPLICA_PORTS; do
        i=$((i + 1))
        CHATBOT_DATABASE_URL=$DB_URL CHATBOT_DATA_DIR="$STATE/replica-$i" \
            nohup $CHATBOT serve --host 127.0.0.1 --port "$port" \
            >"$STATE/replica-$i.log" 2>&1 &
        echo $! >"$STATE/replica-$i.pid"
        upstream+="        server 127.0.0.1:${port};"$'\n'
    done
    for port in $REPLICA_PORTS; do wait_for "http://127.0.0.1:${port}/health" 180; done

    mkdir -p "$STATE/nginx"
    chmod 0777 "$STATE/nginx"
    cat >"$STATE/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $STATE/nginx/nginx.pid;
error_log $STATE/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $STATE/nginx/body;
    proxy_temp_path $STATE/nginx/proxy;
    fastcgi_temp_path $STATE/nginx/fastcgi;
    uwsgi_temp_path $STATE/nginx/uwsgi;
    scgi_temp_path $STATE/nginx/scgi;
    upstream chatbot {
$upstream        keepalive 64;
    }
    server {
        listen 127.0.0.1:${PORT};
        client_max_body_size 12m;
        location / {
            proxy_pass http://chatbot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_buffering off;               # /chat/stream and /v1 streams
            proxy_read_timeout 300s;
        }
    }
}
EOF
    nginx -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -e "$STATE/nginx/error.log"
    wait_for "http://127.0.0.1:${PORT}/health" 30
    echo "http://127.0.0.1:${PORT}"
}

stop() {
    if [ -f "$STATE/nginx/nginx.pid" ]; then
        nginx -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" -e "$STATE/nginx/error.log" \
            -s quit || true
    fi
    local pidfile
    for pidfile in "$STATE"/replica-*.pid; do
        [ -f "$pidfile" ] || continue
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    done
    if [ -d "$PG_DIR/data" ]; then
        as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true
    fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
