#!/usr/bin/env bash
# Load runs for docs/benchmarks.md: the broker with no hook, a Java auth_on_publish, a Lua one, a
# JavaScript one, and the auth cache filled at login answering publishes, each against the same load (QoS 0 and 1, 1to1 by default), and the full scenario
# table against mosquitto. Bounded in count and time; loopback only.
#   [WARMUP=n] benchmarks/run-load.sh [messages] [scenarios]
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-50000}
SCENARIOS=${2:-1to1}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# As bin/polyhook runs the broker: on JDK 25 Netty uses sun.misc.Unsafe only when it is allowed
# (JDK 24+ know the flag; older ones refuse it).
UNSAFE_OPT=$("$JAVA" -version 2>&1 | grep -qE 'version "(2[4-9]|[3-9][0-9])' && echo --sun-misc-unsafe-memory-access=allow || true)
JAR=benchmarks/target/benchmarks.jar
WORK=$(mktemp -d)
PORT=18851
trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true' EXIT

broker() { # name, config body
  printf '%s\n' "$2" > "$WORK/$1.yaml"
  # shellcheck disable=SC2086 # an option or nothing
  "$JAVA" --enable-native-access=ALL-UNNAMED $UNSAFE_OPT -cp "$JAR" \
      io.polyhook.broker.cli.PolyhookCommand run \
      --config "$WORK/$1.yaml" > "$WORK/$1.log" 2>&1 &
  echo $! > "$WORK/pid"
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return; sleep 0.1; done
  echo "broker $1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}
stop() { kill "$(cat "$WORK/pid")"; wait "$(cat "$WORK/pid")" 2>/dev/null || true; }
# Both JVMs (broker and generator) need some 150,000 messages before the JIT has compiled the hot
# paths; measured cold, a run shows a third of the warm throughput. WARMUP overrides.
WARMUP=${WARMUP:-$((MESSAGES * 3))}
load() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.polyhook.bench.load.LoadGenerator --port $PORT --scenarios "$SCENARIOS" --qos 0,1 \
           --messages "$MESSAGES" --warmup "$WARMUP" --limit-seconds 60 "$@" 2>/dev/null | grep -v '^$'; }
common="listeners: [{ type: tcp, address: \"127.0.0.1:$PORT\" }]
admin: { address: \"127.0.0.1:0\" }"

mkdir -p "$WORK/none" "$WORK/lua" "$WORK/js" "$WORK/cache"
cat > "$WORK/cache/cache.lua" <<'LUA'
-- Every client is admitted and its ACLs cached: publishes are then answered from the cache on
-- the event loop, without calling Lua (auth_on_publish below only runs for uncached clients).
function auth_on_register(reg)
    auth_cache.insert(reg.mountpoint, reg.client_id, reg.username or "",
        { { pattern = "bench/#" } }, { { pattern = "bench/#" } })
    return true
end
function auth_on_publish(pub) return false end
hooks = { auth_on_register = auth_on_register, auth_on_publish = auth_on_publish,
          auth_on_subscribe = function(sub) return false end }
LUA
cat > "$WORK/lua/prefix.lua" <<'LUA'
function auth_on_publish(pub)
    if string.sub(pub.topic, 1, 6) == "bench/" then return true end
end
hooks = { auth_on_publish = auth_on_publish }
LUA
cat > "$WORK/js/prefix.js" <<'JS'
var hooks = { auth_on_publish(pub) { if (pub.topic.startsWith("bench/")) return true; } };
JS

# A config file refuses anonymous clients unless it allows them; the generator's clients are anonymous.
anonymous="broker: { allow_anonymous: true }"
echo "== no hook"; broker none "$common
$anonymous
scripts: { dir: $WORK/none }"; load; stop
echo "== Java auth_on_publish"; broker java "$common
$anonymous
scripts: { dir: $WORK/none }
plugins: { TopicPrefixPlugin: { enabled: true } }"; load; stop
echo "== Lua auth_on_publish"; broker lua "$common
$anonymous
scripts: { dir: $WORK/lua }"; load; stop
echo "== JavaScript auth_on_publish"; broker js "$common
$anonymous
scripts: { dir: $WORK/js }"; load; stop
echo "== auth cache filled by a Lua auth_on_register"; broker cache "$common
broker: { allow_anonymous: false }
scripts: { dir: $WORK/cache }"; load; stop
