#!/usr/bin/env bash
# Heap per idle client for docs/benchmarks.md: starts the broker in its own JVM (no hooks, one TCP
# listener on loopback), opens 1,000 and then 10,000 idle MQTT connections from another JVM, and
# prints the broker's used heap after GC per client and the classes that grew most. Bounded:
# at most the largest step of connections, and --limit-seconds for opening them.
#   benchmarks/run-idle.sh [steps] [extra IdleClients options, e.g. --protocol 4 --no-subscribe]
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-1000,10000}
shift || true
JAVA_BIN=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
JAR=benchmarks/target/benchmarks.jar
WORK=$(mktemp -d)
PORT=${PORT:-18871}
LARGEST=$(tr ',' '\n' <<< "$STEPS" | sort -n | tail -1)

# One descriptor per connection in each JVM, plus the JVMs' own (jars, epoll, pipes).
NEED=$((LARGEST + 1024))
if [ "$(ulimit -n)" -lt "$NEED" ]; then
  ulimit -n "$NEED" 2>/dev/null || { echo "ulimit -n is $(ulimit -n), $NEED needed: raise the hard limit" >&2; exit 1; }
fi

trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/scripts"
cat > "$WORK/broker.yaml" <<YAML
broker: { allow_anonymous: true }
listeners: [{ type: tcp, address: "127.0.0.1:$PORT" }]
admin: { address: "127.0.0.1:0" }
scripts: { dir: $WORK/scripts }
YAML
"$JAVA_BIN/java" -Xmx1g --enable-native-access=ALL-UNNAMED -cp "$JAR" io.polyhook.broker.cli.PolyhookCommand run \
    --config "$WORK/broker.yaml" > "$WORK/broker.log" 2>&1 &
echo $! > "$WORK/pid"
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
(echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null || { echo "the broker did not start" >&2; cat "$WORK/broker.log" >&2; exit 1; }

"$JAVA_BIN/java" -cp "$JAR" io.polyhook.bench.idle.IdleClients --pid "$(cat "$WORK/pid")" --port "$PORT" \
    --clients "$STEPS" --limit-seconds 300 "$@"
