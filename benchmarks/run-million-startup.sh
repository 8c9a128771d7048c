#!/usr/bin/env bash
# Start-up with a million queued messages (docs/benchmarks.md): one offline persistent session
# whose queue holds the messages is written to a store by io.polyhook.bench.store.FillQueue, then
# the broker starts on it with a capped heap. Measured: the time from launching the JVM to the
# MQTT port accepting connections, the heap in use after start (after a full GC), then after the
# session's client (mosquitto_sub, clean session off) reconnects and takes its first messages.
# The same with an empty store for comparison; loopback only.
#   benchmarks/run-million-startup.sh [messages] [messages the client takes]
# HEAP=200m (the default) is the broker's -Xmx: the issue's aim is a start under 200 MB of heap.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-1000000}
TAKE=${2:-1000}
HEAP=${HEAP:-200m}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JCMD=$JAVA_HOME/bin/jcmd
mapfile -t BROKER_OPTS < <(bin/jvm-options)
JAR=${JAR:-benchmarks/target/benchmarks.jar}
WORK=$(mktemp -d)
PORT=18871
ADMIN=18872
trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

listening() { (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null; }
heap_mb() { # used heap after a full GC, in MB
  "$JCMD" "$1" GC.run > /dev/null
  "$JCMD" "$1" GC.heap_info | sed -nE 's/.*heap .*used ([0-9]+)K.*/\1/p' | head -1 | awk '{ printf "%.1f", $1 / 1024 }'
}
queued() { curl -sf "http://127.0.0.1:$ADMIN/metrics" | sed -nE 's/^polyhook_store_queued_messages ([0-9.E]+)/\1/p'; }

row() { # name, messages
  local dir="$WORK/$1"
  mkdir -p "$dir/scripts"
  cat > "$dir/polyhook.yaml" <<YAML
broker: { allow_anonymous: true, max_offline_messages: 10000000, max_offline_bytes: 4GiB }
listeners: [{ type: tcp, address: "127.0.0.1:$PORT" }]
scripts: { dir: "$dir/scripts" }
admin: { address: "127.0.0.1:$ADMIN" }
persistence: { dir: data, sync: batch }
YAML
  if [ "$2" -gt 0 ]; then
    "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.polyhook.bench.store.FillQueue "$dir/data" million "$2" 100
  fi
  sync
  local t0 t1 pid
  t0=$(date +%s%N)
  "$JAVA" "${BROKER_OPTS[@]}" "-Xmx$HEAP" -cp "$JAR" io.polyhook.broker.cli.PolyhookCommand run \
      --config "$dir/polyhook.yaml" > "$WORK/$1.log" 2>&1 &
  pid=$!
  echo $pid > "$WORK/pid"
  for _ in $(seq 6000); do listening && break; kill -0 $pid 2>/dev/null || break; sleep 0.01; done
  t1=$(date +%s%N)
  listening || { echo "the broker did not start" >&2; cat "$WORK/$1.log" >&2; exit 1; }
  local started heap_start heap_taken d0 d1
  started=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  heap_start=$(heap_mb $pid)
  d0=$(date +%s%N)
  if [ "$2" -gt 0 ]; then
    mosquitto_sub -h 127.0.0.1 -p $PORT -i million -c -q 1 -t 'million/#' -C "$TAKE" -W 120 > /dev/null || true
  fi
  d1=$(date +%s%N)
  heap_taken=$(heap_mb $pid)
  printf '%-10s %12s %10s s %12s MB %12s MB %10s s %14s\n' "$1" "$2" "$started" "$heap_start" "$heap_taken" \
      "$(awk -v a="$d0" -v b="$d1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')" "$(queued)"
  # Where the start-up went: the broker's own log, from its first line to the listener.
  grep -hE 'OpenedStore|DurableRecovery|listening for MQTT' "$WORK/$1.log" | cut -c1-150 | sed 's/^/           /'
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$WORK/pid"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); broker -Xmx$HEAP"
printf '%-10s %12s %12s %15s %15s %12s %14s\n' store queued "to listening" "heap at start" "heap after" \
    "took $TAKE" "queued after"
row empty 0
row million "$MESSAGES"
