#!/usr/bin/env bash
# Persistent-session QoS 1 load for docs/benchmarks.md: fan-in (10 publishers, 1 subscriber with
# clean session off) into an offline queue, and to a live persistent subscriber, against Polyhook
# with persistence `sync: batch`, `sync: always` and in memory (`enabled: false`), and against
# mosquitto with `persistence true`. One run of each, side by side; loopback only.
#   benchmarks/run-persistence.sh [messages]
# "offline": the rate is that of the publishers' PUBACKs into the offline queue (the subscriber
# then reconnects and takes the queue: "received" shows it arrived). "persistent": end-to-end
# deliveries per second to the live subscriber.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-20000}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
mapfile -t BROKER_OPTS < <(bin/jvm-options)
JAR=benchmarks/target/benchmarks.jar
WORK=$(mktemp -d)
PORT=18861
trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

wait_port() {
  for _ in $(seq 1200); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return; sleep 0.1; done
  echo "broker $1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}
polyhook() { # name, persistence section
  mkdir -p "$WORK/$1" "$WORK/scripts"
  cat > "$WORK/$1/polyhook.yaml" <<YAML
broker: { allow_anonymous: true, max_offline_messages: 10000000, max_offline_bytes: 4GiB, max_total_queued_bytes: 4GiB }
listeners: [{ type: tcp, address: "127.0.0.1:$PORT" }]
scripts: { dir: "$WORK/scripts" }
admin: { address: "127.0.0.1:0" }
persistence: $2
YAML
  "$JAVA" "${BROKER_OPTS[@]}" -cp "$JAR" io.polyhook.broker.cli.PolyhookCommand run \
      --config "$WORK/$1/polyhook.yaml" > "$WORK/$1.log" 2>&1 &
  echo $! > "$WORK/pid"
  wait_port "$1"
}
mosquitto() {
  mkdir -p "$WORK/mosquitto"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 10000000\npersistence true\npersistence_location %s/\n' \
      "$PORT" "$WORK/mosquitto" > "$WORK/mosquitto.conf"
  /usr/sbin/mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
  echo $! > "$WORK/pid"
  wait_port mosquitto
}
stop() { kill "$(cat "$WORK/pid")"; wait "$(cat "$WORK/pid")" 2>/dev/null || true; }
load() { # sessions
  "$JAVA" --enable-native-access=ALL-UNNAMED -Dbench.sessions="$1" -cp "$JAR" io.polyhook.bench.load.LoadGenerator \
      --port $PORT --scenarios fanin --qos 1 --messages "$MESSAGES" --limit-seconds 120 2>/dev/null | grep -v '^$' |
      sed "s/^/$1 /"
}
for broker in batch always memory mosquitto; do
  echo "== $broker (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  case $broker in
    batch) polyhook batch "{ dir: data, sync: batch }" ;;
    always) polyhook always "{ dir: data, sync: always }" ;;
    memory) polyhook memory "{ enabled: false }" ;;
    mosquitto) mosquitto ;;
  esac
  load offline
  load persistent
  stop
done
