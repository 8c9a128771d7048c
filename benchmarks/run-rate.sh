#!/usr/bin/env bash
# Fixed-rate latency runs for docs/benchmarks.md (p99 at half of the maximum rate, p99 against the
# rate): for each "scenario qos rate" (the arguments, or one per line on stdin) a freshly started
# broker with no hook, one unthrottled run that warms both JVMs, then RUNS runs at the rate. After
# each run, the CPU the broker and the generator used (user/kernel) and the machine's idle share
# over 3 s of its measured part, from /proc. Bounded: a run is 3 s of warm-up and 5 s of measured
# messages at the rate, within a 30 s limit; loopback only. MOSQUITTO=1 measures a mosquitto with
# the same runs (see LoadGenerator --mosquitto; the CPU lines are then those of our first run).
#   [RUNS=3] [MOSQUITTO=1] benchmarks/run-rate.sh 100to100 1 316966
#   benchmarks/run-rate.sh < rows.txt          # lines "fanout 0 39152"
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# As bin/polyhook runs the broker (JDK 24+ know the flag; older ones refuse it).
UNSAFE_OPT=$("$JAVA" -version 2>&1 | grep -qE 'version "(2[4-9]|[3-9][0-9])' && echo --sun-misc-unsafe-memory-access=allow || true)
JAR=benchmarks/target/benchmarks.jar
RUNS=${RUNS:-3}
WORK=$(mktemp -d)
PORT=18861
HZ=$(getconf CLK_TCK)
trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/none"
printf 'broker: { allow_anonymous: true }\nlisteners: [{ type: tcp, address: "127.0.0.1:%s" }]\nadmin: { address: "127.0.0.1:0" }\nscripts: { dir: %s }\n' \
    "$PORT" "$WORK/none" > "$WORK/broker.yaml"

broker() {
  # shellcheck disable=SC2086 # an option or nothing
  "$JAVA" --enable-native-access=ALL-UNNAMED $UNSAFE_OPT -cp "$JAR" io.polyhook.broker.cli.PolyhookCommand run \
      --config "$WORK/broker.yaml" > "$WORK/broker.log" 2>&1 &
  echo $! > "$WORK/pid"
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return; sleep 0.1; done
  echo "the broker did not start" >&2; cat "$WORK/broker.log" >&2; exit 1
}
stop() { kill "$(cat "$WORK/pid")"; wait "$(cat "$WORK/pid")" 2>/dev/null || true; }
generate() {
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED $UNSAFE_OPT -cp "$JAR" io.polyhook.bench.load.LoadGenerator \
      --port $PORT --limit-seconds 30 "$@" 2>/dev/null | grep -v '^$'
}
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }   # user and kernel time, in clock ticks
idle() { awk '/^cpu /{print $5}' /proc/stat; }

row() { # scenario qos rate
  echo "== $1 QoS $2 at $3 messages/s"
  broker
  generate --scenarios "$1" --qos "$2" --messages 50000 --warmup 150000 | tail -1 | sed 's/^/warm-up, unthrottled: /'
  for run in $(seq "$RUNS"); do
    generate --scenarios "$1" --qos "$2" --messages $(($3 * 5)) --warmup $(($3 * 3)) --rate "$3" \
        ${MOSQUITTO:+--mosquitto} > "$WORK/run.out" &
    local gen=$!
    sleep 4.5   # into the measured part: after the JVM start and the 3 s of warm-up at the rate
    local javagen b0 g0 i0 b1 g1 i1
    javagen=$(pgrep -P "$gen" java || pgrep -f "LoadGenerator --port $PORT" | head -1)
    read -r -a b0 < <(ticks "$(cat "$WORK/pid")"); read -r -a g0 < <(ticks "$javagen"); i0=$(idle)
    sleep 3
    read -r -a b1 < <(ticks "$(cat "$WORK/pid")"); read -r -a g1 < <(ticks "$javagen"); i1=$(idle)
    wait "$gen" || true
    if [ "$run" = 1 ]; then cat "$WORK/run.out"; else tail -1 "$WORK/run.out"; fi
    awk -v hz="$HZ" -v bu=$((b1[0] - b0[0])) -v bk=$((b1[1] - b0[1])) -v gu=$((g1[0] - g0[0])) \
        -v gk=$((g1[1] - g0[1])) -v id=$((i1 - i0)) -v n="$(nproc)" 'BEGIN {
      printf "   cpu over 3 s, cores: broker %.2f (kernel %.2f), generator %.2f (kernel %.2f); idle %.0f %%\n",
             (bu + bk) / hz / 3, bk / hz / 3, (gu + gk) / hz / 3, gk / hz / 3, 100 * id / hz / 3 / n }'
  done
  stop
}

if [ $# -ge 3 ]; then
  row "$1" "$2" "$3"
else
  while read -r scenario qos rate; do
    [ -n "${scenario:-}" ] && row "$scenario" "$qos" "$rate"
  done
fi
