#!/usr/bin/env bash
# Load runs of the bundled auth scripts for docs/benchmarks.md: the connection rate through
# auth/postgres.lua (pgcrypto crypt, bcrypt cost 10) and auth/redis.lua (bcrypt cost 10, checked
# in the broker) against a broker with no auth, and the 1to1 publish throughput (QoS 0 and 1) of
# clients admitted by each script against no auth. Their publishes and subscriptions are answered
# by the auth cache: with no_match: deny, any request the cache did not answer would be refused
# and show as missing deliveries (or a failed subscription).
#   benchmarks/run-auth-load.sh [auth-clients] [messages] [concurrency]
# Starts an embedded PostgreSQL 17 and Redis 6.2 (AuthDatabases, from benchmarks.jar), provisions
# the users, runs a broker per configuration, and stops and deletes everything on exit, also on
# failure. Loopback only, free ports, bounded in count and time. Needs benchmarks/target/benchmarks.jar
# (./mvnw -q -B -ntp -DskipTests -pl benchmarks -am package). Environment: BASE_CLIENTS (default
# 2000) the client count of the no-auth connection rate; RUNS (default "none postgres redis") the
# brokers to run, in that order; BROKER_JAVA_OPTS extra JVM options of the brokers (experiments).
# Exits 1 if any client was not admitted.
set -euo pipefail
cd "$(dirname "$0")/.."
AUTH_CLIENTS=${1:-300}
MESSAGES=${2:-50000}
CONCURRENCY=${3:-8}
BASE_CLIENTS=${BASE_CLIENTS:-2000}
RUNS=${RUNS:-none postgres redis}
BROKER_JAVA_OPTS=${BROKER_JAVA_OPTS:-}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# As bin/polyhook runs the broker: on JDK 25 Netty uses sun.misc.Unsafe only when it is allowed
# (JDK 24+ know the flag; older ones refuse it).
UNSAFE_OPT=$("$JAVA" -version 2>&1 | grep -qE 'version "(2[4-9]|[3-9][0-9])' && echo --sun-misc-unsafe-memory-access=allow || true)
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || { echo "$JAR is missing: build it first" >&2; exit 1; }
WORK=$(mktemp -d -t polyhook-auth-load.XXXXXX)
BROKER_PID=
DB_PID=

cleanup() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  if [ -n "$DB_PID" ]; then kill "$DB_PID" 2>/dev/null || true; wait "$DB_PID" 2>/dev/null || true; fi
  # If the launcher could not stop PostgreSQL (killed hard), its postmaster must not outlive us.
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    kill "$(head -1 "$WORK/pg/data/postmaster.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A script killed with SIGKILL runs no trap: this watcher then stops the broker and the databases
# (whose pids are in $WORK/*.pid) and removes $WORK. After a normal exit it finds nothing to do.
SCRIPT_PID=$$
( set +e; trap '' INT TERM
  while kill -0 "$SCRIPT_PID" 2>/dev/null; do sleep 1; done
  [ -d "$WORK" ] || exit 0
  for f in "$WORK"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  sleep 3
  [ -f "$WORK/pg/data/postmaster.pid" ] && kill "$(head -1 "$WORK/pg/data/postmaster.pid")" 2>/dev/null
  sleep 1
  rm -rf "$WORK" ) > /dev/null 2>&1 &

free_port() { # a port nobody listens on, below Linux's ephemeral range (32768-60999) used by the clients
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 12000))
    if ! (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

# The bench users' password: random per run, passed in the environment, never on a command line.
POLYHOOK_BENCH_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export POLYHOOK_BENCH_PASSWORD

echo "== starting PostgreSQL and Redis with $AUTH_CLIENTS users"
mkdir -p "$WORK/tmp" "$WORK/scripts"
# java.io.tmpdir in $WORK: embedded-redis unpacks its server binary there.
"$JAVA" -Djava.io.tmpdir="$WORK/tmp" -cp "$JAR" io.polyhook.bench.load.AuthDatabases --dir "$WORK" \
    --users "$AUTH_CLIENTS" --max-seconds 1800 > "$WORK/databases.log" 2>&1 &
DB_PID=$!
echo "$DB_PID" > "$WORK/databases.pid"
for _ in $(seq 1200); do
  [ -f "$WORK/ready" ] && break
  kill -0 "$DB_PID" 2>/dev/null || { echo "the databases did not start" >&2; cat "$WORK/databases.log" >&2; exit 1; }
  sleep 0.1
done
[ -f "$WORK/ready" ] || { echo "the databases were not ready in 120 s" >&2; cat "$WORK/databases.log" >&2; exit 1; }
cat "$WORK/ready"

PORT=
ADMIN=
broker() { # name, extra config
  PORT=$(free_port)
  ADMIN=$(free_port)
  while [ "$ADMIN" = "$PORT" ]; do ADMIN=$(free_port); done
  printf 'listeners: [{ type: tcp, address: "127.0.0.1:%s" }]\nadmin: { address: "127.0.0.1:%s" }\nscripts: { dir: "%s" }\n%s\n' \
      "$PORT" "$ADMIN" "$WORK/scripts" "$2" > "$WORK/$1.yaml"
  chmod 600 "$WORK/$1.yaml"
  # shellcheck disable=SC2086 # options are words
  # shellcheck disable=SC2086 # an option or nothing
  "$JAVA" --enable-native-access=ALL-UNNAMED $UNSAFE_OPT $BROKER_JAVA_OPTS -cp "$JAR" \
      io.polyhook.broker.cli.PolyhookCommand run \
      --config "$WORK/$1.yaml" > "$WORK/$1.log" 2>&1 &
  BROKER_PID=$!
  echo "$BROKER_PID" > "$WORK/broker.pid"
  for _ in $(seq 200); do
    (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return
    kill -0 "$BROKER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "broker $1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}
stop() { kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=; rm -f "$WORK/broker.pid"; }

NOT_ADMITTED=0
load() { # generator options; a run with clients not admitted is reported and makes the exit status 1
  local status
  { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.polyhook.bench.load.LoadGenerator --port "$PORT" --limit-seconds 60 "$@" \
      2> "$WORK/generator.log" && echo 0 > "$WORK/status" || echo $? > "$WORK/status"; } | grep -v '^$' || true
  status=$(cat "$WORK/status")
  if [ "$status" -eq 2 ]; then NOT_ADMITTED=1; echo "!! clients were not admitted: this run is not a valid measurement";
  elif [ "$status" -ne 0 ]; then echo "!! the load generator failed ($status)"; cat "$WORK/generator.log"; NOT_ADMITTED=1; fi
}
register_stats() { # the broker's own account of auth_on_register (warm-up included), if curl is there
  command -v curl > /dev/null || return 0
  curl -s "http://127.0.0.1:$ADMIN/api/scripts/stats" | tr -d ' \n' \
    | grep -o '"hook":"auth_on_register","calls":[0-9]*,"errors":[0-9]*,"timeouts":[0-9]*,"mean_us":[0-9.]*,"p50_us":[0-9.]*,"p99_us":[0-9.]*' \
    | sed 's/"//g; s/,/ /g; s/^hook:/broker: /' || true
}
connect_rate() { load --scenarios connect --concurrency "$CONCURRENCY" "$@"; }
publish() { load --scenarios 1to1 --qos 0,1 --messages "$MESSAGES" "$@"; }

for run in $RUNS; do
  case $run in
    none)
      echo "== no auth (allow_anonymous)"
      broker none "broker: { allow_anonymous: true }"
      connect_rate --clients "$BASE_CLIENTS"
      publish
      stop ;;
    postgres|redis)
      if [ "$run" = postgres ]; then echo "== auth/postgres.lua, pgcrypto crypt, bcrypt cost 10"
      else echo "== auth/redis.lua, bcrypt cost 10 in the broker"; fi
      broker "$run" "broker: { allow_anonymous: false, no_match: deny }
auth: { $run: { enabled: true } }
providers:
  $(cat "$WORK/$run.yaml")"
      connect_rate --clients "$AUTH_CLIENTS" --username-pattern 'bench-%d'
      register_stats
      publish --username bench
      stop ;;
    *) echo "unknown run $run (known: none postgres redis)" >&2; exit 1 ;;
  esac
done

if [ "$NOT_ADMITTED" -ne 0 ]; then echo "some runs are not valid (see !! above)" >&2; exit 1; fi
