#!/usr/bin/env bash
# The start-of-run transient for docs/benchmarks.md: what a new wave of connections deoptimizes in
# a broker that has carried a QoS 1 stream. Starts the broker with no hook from a benchmarks jar
# (BROKER_JAR, default this build's) on a loopback port, runs one 200,000-message QoS 1 1to1
# warm-up, then two measured runs with new connections, the JVM logging every deoptimization and
# compilation. Prints the generator's lines (the broker's CPU µs per message next to the rate),
# the thread groups' CPU ticks (10 ms) during the measured runs, and the C2 (level 4)
# deoptimizations after the warm-up by compiled root and trap site. HABIT=1 first runs ten short
# 1to1 waves and 1,000 clients that connect and disconnect: a broker used to churn.
#   [BROKER_JAR=jar] [HABIT=1] [OUT=dir] benchmarks/run-deopt.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JAR=$(pwd)/benchmarks/target/benchmarks.jar
BROKER_JAR=${BROKER_JAR:-$JAR}
OUT=${OUT:-$(mktemp -d)}
PORT=${PORT:-18977}
mkdir -p "$OUT"
printf 'broker: { allow_anonymous: true }\nlisteners: [{ type: tcp, address: "127.0.0.1:%s" }]\nadmin: { address: "127.0.0.1:0" }\n' \
  "$PORT" > "$OUT/broker.yaml"
mapfile -t OPTS < <(bin/jvm-options)
"$JAVA" "${OPTS[@]}" "-Xlog:deoptimization=debug:file=$OUT/deopt.log:uptime" -XX:+PrintCompilation \
  -cp "$BROKER_JAR" io.polyhook.broker.cli.PolyhookCommand run --config "$OUT/broker.yaml" > "$OUT/broker.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1200); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
gen() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.polyhook.bench.load.LoadGenerator --port "$PORT" \
  --scenarios 1to1 --limit-seconds 60 "$@" 2>/dev/null | grep -v '^$'; }
if [ -n "${HABIT:-}" ]; then
  for _ in $(seq 10); do gen --qos 1 --messages 5000 --warmup 0 > /dev/null; done
  gen --scenarios connect --clients 1000 --concurrency 8 | tail -1
fi
gen --qos 1 --messages 200000 --warmup 0 | tail -2
snap() { for t in /proc/$PID/task/*; do echo "$(tr ' ' _ < "$t/comm" | sed -E 's/[0-9]+$//') $(awk '{print $14+$15}' "$t/stat")"; done \
  | awk '{a[$1]+=$2} END{for(k in a) print k, a[k]}' | sort; }
snap > "$OUT/s0"
MARK=$("$JAVA_HOME/bin/jcmd" $PID VM.uptime | tail -1 | awk '{print $1}')
echo "measured from uptime $MARK s"
gen --qos 1 --messages 200000 --warmup 0 --broker-pid $PID | tail -2
gen --qos 1 --messages 200000 --warmup 0 --broker-pid $PID | tail -1
snap > "$OUT/s1"
echo "== thread CPU ticks (10 ms) during the two measured runs:"
join "$OUT/s0" "$OUT/s1" | awk '$3-$2>0{print $1, $3-$2}' | sort -k2 -n -r | head -12 | tr "\n" ";"; echo
cat "$OUT"/deopt.log* | awk -v m="$MARK" -F'[][s]' '$2+0 >= m' | grep 'level=4' > "$OUT/after.txt" || true
echo "== C2 deoptimizations after the mark: $(wc -l < "$OUT/after.txt") (count, compiled root <- trap site)"
while read -r line; do
  cid=$(sed -E 's/.*cid= *([0-9]+).*/\1/' <<< "$line")
  site=$(sed -E 's/.*level=4 ([^ (]+).* trap_bci=([0-9]+) ([a-z_]+) .*/\1@\2 \3/' <<< "$line")
  root=$(awk -v c="$cid" '$2==c {for(i=3;i<=NF;i++) if ($i ~ /::/) {print $i; exit}}' "$OUT/broker.log" | head -1)
  echo "$root <- $site"
done < "$OUT/after.txt" | sort | uniq -c | sort -rn
echo "(logs in $OUT)"
