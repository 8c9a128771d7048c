#!/usr/bin/env bash
# Persistent-session QoS 1 load for docs/benchmarks.md: fan-in (10 publishers, 1 subscriber with
# clean session off) into an offline queue, and to a live persistent subscriber, against Polyhook
# with persistence `sync: batch`, `sync: always` and in memory (`enabled: false`), and against
# mosquitto with `persistence true`. One run of each, side by side; loopback only.
#   benchmarks/run-persistence.sh [messages]
# BROKERS="batch always memory mosquitto" (the default) chooses the rows; JARS="name:path ..."
# runs each Polyhook row once per build (e.g. JARS="before:/tmp/before.jar after:benchmarks/target/benchmarks.jar"
# for a before/after in one run; default: this tree's build). PROFILE=<async-profiler lib> attaches
# async-profiler (cpu) to each Polyhook broker and writes a collapsed profile per row next to the log
# (kept in $PROFILE_DIR, default /tmp).
# Each load also prints the broker process's CPU time per message (from /proc/<pid>/stat).
# "offline": the rate is that of the publishers' PUBACKs into the offline queue (the subscriber
# then reconnects and takes the queue: "received" shows it arrived). "persistent": end-to-end
# deliveries per second to the live subscriber.
# ROUNDS=n (default 1) runs the rows n times, the order of BROKERS rotated by one each round (so that
# no row always runs first), then prints each row's rates as a fraction of the in-memory row of the
# same round and build ("of memory"; mosquitto against the first build's), and the medians over the
# rounds: the rates of fresh brokers spread widely on two shared cores, quote the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-20000}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
mapfile -t BROKER_OPTS < <(bin/jvm-options)
JARS=${JARS:-"this:benchmarks/target/benchmarks.jar"}
BROKERS=${BROKERS:-"batch always memory mosquitto"}
ROUNDS=${ROUNDS:-1}
ROUND=1
PROFILE_DIR=${PROFILE_DIR:-/tmp}
WORK=$(mktemp -d)
PORT=18861
trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

wait_port() {
  for _ in $(seq 1200); do
    (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return
    kill -0 "$(cat "$WORK/pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "broker $1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}
polyhook() { # name, persistence section, jar
  mkdir -p "$WORK/$1" "$WORK/scripts"
  cat > "$WORK/$1/polyhook.yaml" <<YAML
broker: { allow_anonymous: true, max_offline_messages: 10000000, max_offline_bytes: 4GiB, max_total_queued_bytes: 4GiB }
listeners: [{ type: tcp, address: "127.0.0.1:$PORT" }]
scripts: { dir: "$WORK/scripts" }
admin: { address: "127.0.0.1:0" }
persistence: $2
YAML
  local agent=()
  [ -n "${PROFILE:-}" ] && agent=("-agentpath:$PROFILE=start,event=cpu,interval=1ms,file=$PROFILE_DIR/persistence-$1.collapsed")
  "$JAVA" "${BROKER_OPTS[@]}" "${agent[@]}" -cp "$3" io.polyhook.broker.cli.PolyhookCommand run \
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
LOAD_JAR=${JARS##*:}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$(cat "$WORK/pid")/stat"; }
load() { # sessions
  local before after
  before=$(cpu_ticks)
  "$JAVA" --enable-native-access=ALL-UNNAMED -Dbench.sessions="$1" -cp "$LOAD_JAR" io.polyhook.bench.load.LoadGenerator \
      --port $PORT --scenarios fanin --qos 1 --messages "$MESSAGES" --limit-seconds 120 2>/dev/null | grep -v '^$' |
      sed "s/^/$1 /" | tee "$WORK/last-load"
  after=$(cpu_ticks)
  # round, row, load, msgs/s (the generator's sixth column), for the summary
  echo "$ROUND $ROW $1 $(awk '$2 == "fanin" { print $6 }' "$WORK/last-load")" >> "$WORK/rates"
  # The broker's own CPU time (user + system) over the run, per message: disturbed less by other
  # processes on the machine than the rates are.
  echo "$1 broker CPU per message: $(( (after - before) * 1000000 / $(getconf CLK_TCK) / MESSAGES )) us"
}
run_row() { # label, broker, jar
  # A port per row: the last row's port may still be held by its closed connections.
  PORT=$((PORT + 1))
  ROW=$1
  echo "== $1 (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  case $2 in
    batch) polyhook "$1" "{ dir: data, sync: batch }" "$3" ;;
    always) polyhook "$1" "{ dir: data, sync: always }" "$3" ;;
    memory) polyhook "$1" "{ enabled: false }" "$3" ;;
    mosquitto) mosquitto ;;
  esac
  load offline
  load persistent
  stop
}
read -r -a ORDER <<< "$BROKERS"
FIRST_BUILD=${JARS%%:*}
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  [ "$ROUNDS" -gt 1 ] && echo "=== round $ROUND of $ROUNDS"
  for broker in "${ORDER[@]}"; do
    if [ "$broker" = mosquitto ]; then
      run_row mosquitto mosquitto ""
      continue
    fi
    for build in $JARS; do
      name=${build%%:*}
      label=$broker; [ "$(wc -w <<< "$JARS")" -gt 1 ] && label="$broker-$name"
      run_row "$label" "$broker" "${build#*:}"
    done
  done
  ORDER=("${ORDER[@]:1}" "${ORDER[0]}")
done
if [ "$ROUNDS" -gt 1 ] && grep -q '^[0-9]* memory' "$WORK/rates"; then
  echo "== msgs/s as a fraction of the in-memory row of the same round and build (offline / persistent)"
  awk -v multi="$(wc -w <<< "$JARS")" -v first="$FIRST_BUILD" '
    function base(row) { if (row == "mosquitto") return multi > 1 ? "memory-" first : "memory"
                         return multi > 1 ? "memory-" substr(row, index(row, "-") + 1) : "memory" }
    { rate[$1, $2, $3] = $4; rows[$2] = 1; if ($1 > n) n = $1 }
    function median(a, k,   i, j, t) {
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END {
      for (row in rows) {
        line = sprintf("%-18s", row); ko = 0; kp = 0
        for (r = 1; r <= n; r++) {
          b = base(row)
          if (rate[r, b, "offline"] > 0 && rate[r, b, "persistent"] > 0) {
            o = rate[r, row, "offline"] / rate[r, b, "offline"]; p = rate[r, row, "persistent"] / rate[r, b, "persistent"]
            os[++ko] = o; ps[++kp] = p; line = line sprintf("  %.2f / %.2f", o, p)
          }
        }
        for (r = 1; r <= n; r++) { ro[r] = rate[r, row, "offline"]; rp[r] = rate[r, row, "persistent"] }
        print line
        printf "  median over %d rounds: %d / %d msgs/s", n, median(ro, n), median(rp, n)
        if (ko) printf ", %.2f / %.2f of memory", median(os, ko), median(ps, kp)
        print ""
      }
    }' "$WORK/rates"
fi
