#!/usr/bin/env bash
# Cluster figures for docs/benchmarks.md: one broker alone, then two nodes of a cluster on this
# machine with the publishers on node1 and the subscribers on node2 (1to1 by default, QoS 0 and 1),
# each node's join time, and the takeover latency of a client id moving between the two nodes.
# Bounded in count and time; loopback only; fixed ports 18871-18872 (MQTT), 17871-17872 (JGroups),
# 17971-17972 (data plane).
#   [WARMUP=n] [QOS=0,1] benchmarks/run-cluster.sh [messages] [scenarios]
# Needs benchmarks/target/benchmarks.jar: ./mvnw -q -B -ntp -DskipTests -pl benchmarks -am package
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-50000}
SCENARIOS=${2:-1to1}
QOS=${QOS:-0,1}
WARMUP=${WARMUP:-$((MESSAGES * 3))}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
mapfile -t BROKER_OPTS < <(bin/jvm-options)
JAR=benchmarks/target/benchmarks.jar
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
  "$JAVA" "${BROKER_OPTS[@]}" -Djava.net.preferIPv4Stack=true -Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider -cp "$JAR" io.polyhook.broker.cli.PolyhookCommand run \
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
  seeds: ["127.0.0.1:17871", "127.0.0.1:17872"]
  data_plane: "127.0.0.1:1797$2"
YAML
}
mkdir -p "$WORK/none"

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
