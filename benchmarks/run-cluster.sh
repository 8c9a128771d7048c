#!/usr/bin/env bash
# Cluster figures for docs/benchmarks.md: one broker alone, then two nodes of a cluster on this
# machine with the publishers on node1 and the subscribers on node2 (1to1 by default, QoS 0 and 1),
# each node's join time, and the takeover latency of a client id moving between the two nodes;
# then JOIN_RUNS (default 3) cold starts of three nodes one after the other, each timed from its
# process start (date +%s%N) to its MQTT port accepting, with the join's phases as the node logs
# them, once with the JVM options of bin/jvm-options and once with POLYHOOK_JS_RUNTIME=interpreter
# (no GraalJS optimizing runtime: the JDK's class-data sharing stays on).
# Bounded in count and time; loopback only; fixed ports 18871-18873 (MQTT), 17871-17873 (JGroups),
# 17971-17973 (data plane).
#   [WARMUP=n] [QOS=0,1] [JOIN_RUNS=n] [JOIN_ONLY=1] [BROKER_JAR=jar] benchmarks/run-cluster.sh [messages] [scenarios]
# Needs benchmarks/target/benchmarks.jar: ./mvnw -q -B -ntp -DskipTests -pl benchmarks -am package
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-50000}
SCENARIOS=${2:-1to1}
QOS=${QOS:-0,1}
WARMUP=${WARMUP:-$((MESSAGES * 3))}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JOIN_RUNS=${JOIN_RUNS:-3}
mapfile -t BROKER_OPTS < <(bin/jvm-options)
# BROKER_JAR runs the nodes from another build's benchmarks jar (a before/after comparison).
JAR=benchmarks/target/benchmarks.jar
BROKER_JAR=${BROKER_JAR:-$JAR}
[ -f "$JAR" ] || { echo "build $JAR first: ./mvnw -q -B -ntp -DskipTests -pl benchmarks -am package" >&2; exit 1; }
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

node() { # name, mqtt port, cluster section (empty: no cluster)
  cat > "$WORK/$1.yaml" <<YAML
broker: { allow_anonymous: true }
listeners: [{ type: tcp, address: "127.0.0.1:$2" }]
scripts: { dir: $WORK/none }
admin: { address: "127.0.0.1:0" }
persistence: { enabled: false }
$3
YAML
  # benchmarks.jar carries slf4j-nop too: logback is asked for by name, for the join times in the log.
  "$JAVA" "${BROKER_OPTS[@]}" -Djava.net.preferIPv4Stack=true -Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider -cp "$BROKER_JAR" io.polyhook.broker.cli.PolyhookCommand run \
      --config "$WORK/$1.yaml" > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1800); do (echo > /dev/tcp/127.0.0.1/"$2") 2>/dev/null && return; sleep 0.1; done
  echo "broker $1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}
stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; PIDS=(); }
generate() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.polyhook.bench.load.LoadGenerator --scenarios "$SCENARIOS" \
           --messages "$MESSAGES" --warmup "$WARMUP" --qos "$QOS" --limit-seconds 60 "$@" 2>/dev/null | grep -v '^$'; }
cluster() { # name, index
  cat <<YAML
cluster:
  enabled: true
  node_name: $1
  bind: "127.0.0.1:1787$2"
  seeds: ["127.0.0.1:17871", "127.0.0.1:17872", "127.0.0.1:17873"]
  data_plane: "127.0.0.1:1797$2"
YAML
}
mkdir -p "$WORK/none"
load() { uptime | sed 's/.*load average: //'; }

join_runs() { # label; BROKER_OPTS set by the caller
  local run i t0 t1 line
  for run in $(seq "$JOIN_RUNS"); do
    for i in 1 2 3; do
      t0=$(date +%s%N)
      node "node$i" "1887$i" "$(cluster "node$i" "$i")"
      t1=$(date +%s%N)
      line=$(grep -ho "joined cluster .* in [0-9]* ms.*" "$WORK/node$i.log" | sed -E 's/\(JGroups [^;]*; /(/')
      echo "   $1 run $run node$i: $(( (t1 - t0) / 1000000 )) ms to listening; $line"
    done
    stop_all
  done
}

if [ -z "${JOIN_ONLY:-}" ]; then
echo "== one node  (load before: $(uptime | sed 's/.*load average/load average/'))"
node single 18871 ""
generate --port 18871
stop_all

echo "== two nodes: publishers on node1, subscribers on node2  (load before: $(uptime | sed 's/.*load average/load average/'))"
node node1 18871 "$(cluster node1 1)"
node node2 18872 "$(cluster node2 2)"
grep -ho 'node node[12] joined cluster .* in [0-9]* ms' "$WORK"/node1.log "$WORK"/node2.log | sed 's/^/   /'
generate --port 18871 --sub-port 18872 --settle-ms 3000
echo "== takeover of one client id between node1 and node2"
"$JAVA" -cp "$JAR" io.polyhook.bench.cluster.TakeoverRun --ports 18871,18872 --rounds 200 2>/dev/null
echo "   load after: $(uptime | sed 's/.*load average: //')"
stop_all
fi

echo "== cold join of node1, node2, node3, one after the other (load before: $(load))"
join_runs "jvm-options"
mapfile -t BROKER_OPTS < <(POLYHOOK_JS_RUNTIME=interpreter bin/jvm-options)
join_runs "interpreter"
echo "   load after: $(load)"
