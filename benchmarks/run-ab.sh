#!/usr/bin/env bash
# A/B runs of two or more broker builds, interleaved so that a busy machine's load falls on all of
# them alike (docs/benchmarks.md, "Core reshaping"). Each build is a label and a benchmarks.jar;
# each run starts a fresh broker of that build (no hook), and one generator jar (GEN, default: the
# first build's) drives them all. Bounded in messages and time; loopback only, on a free port.
#
#   benchmarks/run-ab.sh latency "before:/tmp/core-before/benchmarks/target/benchmarks.jar after:benchmarks/target/benchmarks.jar" [rates] [rounds]
#   benchmarks/run-ab.sh throughput "before:... after:..." [rounds]
#
# latency: QoS 1 1to1 (SCENARIO, QOS override) at each rate (default "1000 5000 20000"), rounds
# (default 2) of every build in turn: an unthrottled warm-up of 150,000 messages, then 3 s of
# warm-up and 5 s measured at the rate with --mosquitto (ours, theirs, theirs, ours: one line with
# both), with the broker's CPU time and thread wake-ups per message over its two measured runs
# (--broker-pid; GEN's generator must have the wake/msg column). throughput: the scenario table of
# docs/benchmarks.md (1to1, fanin, fanout, 100to100 at QoS 0 and 1, 50,000 messages after 150,000
# of warm-up, with CPU and wake-ups per message), rounds (default 1) of every build in turn.
# OUTLIERS=DIR keeps each latency row's slow messages (over 1 ms; LoadGenerator --outliers) in
# DIR/<rate>-<round>-<label>.txt, with their send times, to match stalls to broker-side events.
# Broker JVM options per build: OPTS_<label> (dashes as underscores), e.g.
#   OPTS_one_loop="-Dio.netty.eventLoopThreads=1" benchmarks/run-ab.sh latency "default:J one-loop:J"
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
MODE=${1:?latency or throughput}
BUILDS=${2:?"label:jar ..."}
FIRST=${BUILDS%% *}
GEN=${GEN:-${FIRST#*:}}
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/none"
printf 'broker: { allow_anonymous: true }\nlisteners: [{ type: tcp, address: "127.0.0.1:%s" }]\nadmin: { address: "127.0.0.1:0" }\nscripts: { dir: %s }\n' \
    "$PORT" "$WORK/none" > "$WORK/broker.yaml"

broker() { # label jar
  local var="OPTS_${1//-/_}"
  # shellcheck disable=SC2086 # options or nothing
  "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow ${!var:-} -cp "$2" \
      io.polyhook.broker.cli.PolyhookCommand run --config "$WORK/broker.yaml" > "$WORK/broker.log" 2>&1 &
  echo $! > "$WORK/pid"
  for _ in $(seq 600); do (echo > /dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return; sleep 0.1; done
  echo "broker $1 did not start" >&2; cat "$WORK/broker.log" >&2; exit 1
}
stop() { kill "$(cat "$WORK/pid")"; wait "$(cat "$WORK/pid")" 2>/dev/null || true; }
generate() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$GEN" io.polyhook.bench.load.LoadGenerator --port "$PORT" "$@" 2>/dev/null | grep -v '^$' || true; }
stamp() { echo "$(date +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"; }

case $MODE in
  latency)
    RATES=${3:-1000 5000 20000}; ROUNDS=${4:-2}; SCENARIO=${SCENARIO:-1to1}; QOS=${QOS:-1}
    echo "columns: scenario qos sent received | ours msgs/s, p50 us, p99 us, lag p99, cpu us/msg, wake/msg | mosquitto msgs/s, p50 us, p99 us, lag p99 | ratio"
    for rate in $RATES; do
      for round in $(seq "$ROUNDS"); do
        for b in $BUILDS; do
          broker "${b%%:*}" "${b#*:}"
          generate --scenarios "$SCENARIO" --qos "$QOS" --messages 50000 --warmup 100000 --limit-seconds 60 > /dev/null
          line=$(generate --scenarios "$SCENARIO" --qos "$QOS" --messages $((rate * 5)) --warmup $((rate * 3)) \
              --rate "$rate" --limit-seconds 60 --mosquitto --broker-pid "$(cat "$WORK/pid")" \
              ${OUTLIERS:+--outliers "$OUTLIERS/$rate-$round-${b%%:*}.txt"} | tail -1)
          echo "$(stamp) rate $rate round $round ${b%%:*}: $line"
          stop
        done
      done
    done ;;
  throughput)
    ROUNDS=${3:-1}
    for round in $(seq "$ROUNDS"); do
      for b in $BUILDS; do
        broker "${b%%:*}" "${b#*:}"
        echo "== $(stamp) round $round ${b%%:*}"
        generate --scenarios 1to1,fanin,fanout,100to100 --qos 0,1 --messages 50000 --warmup 150000 --limit-seconds 30 \
            --broker-pid "$(cat "$WORK/pid")"
        stop
      done
    done ;;
  *) echo "unknown mode $MODE (latency or throughput)" >&2; exit 1 ;;
esac
