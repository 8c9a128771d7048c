#!/usr/bin/env bash
# Load runs for docs/benchmarks.md: the broker with no hook, a Java auth_on_publish, a Lua one, a
# JavaScript one, and the auth cache filled at login answering publishes, each against the same load (QoS 0 and 1, 1to1 by default), and the full scenario
# table against mosquitto. Bounded in count and time; loopback only.
#   [WARMUP=n] [RUNS="none java lua js js-interpreter cache"] [CHUNKS=n] [BROKER_JAR=jar] benchmarks/run-load.sh [messages] [scenarios]
# CHUNKS=n replaces the warm-up and the measured run by n runs of [messages] each, one line per
# run, from a freshly started broker and generator: how the rate grows while the compilers catch
# up (the generator warms up too: compare with the no-hook broker's lines of the same run).
# After each broker: its RSS, heap after a full GC, and the CPU time of its compiler threads.
# BROKER_JAR runs the brokers from another build's benchmarks jar (a before/after comparison), with
# the generator of this build. The generator prints the broker's CPU time and thread wake-ups
# (voluntary context switches) per delivered message next to the rate.
# RUNS picks and orders the brokers (default: all but js-interpreter, JavaScript on GraalJS's
# interpreter instead of its optimizing runtime). Each line of results is preceded by the
# machine's load (uptime), since the two cores are shared.
# ROUNDS=n (default 1) runs the brokers of RUNS n times, the order rotated by one each round
# (round 2 of "none java lua" runs java lua none), so that the first run's penalty (a cold
# machine, page cache, CPU frequency) does not always fall on the same broker. After the runs
# (not with CHUNKS) it prints each broker's rate per round as a fraction of the no-hook ("none")
# rate of the same round, then per broker the median over the rounds of its rate, its CPU µs per
# message and that fraction. Quote the median, not one round.
# A broker whose subscriber stayed behind and lost messages (in the measured run or its warm-up)
# is flagged DROPPED after its lines; each broker's log is kept in the temporary folder named there.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-50000}
SCENARIOS=${2:-1to1}
RUNS=${RUNS:-none java lua js cache}
ROUNDS=${ROUNDS:-1}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
# As bin/polyhook runs the broker (bin/jvm-options): Netty's Unsafe on JDK 24+, GraalJS's optimizing runtime.
mapfile -t BROKER_OPTS < <(bin/jvm-options)
mapfile -t INTERPRETER_OPTS < <(POLYHOOK_JS_RUNTIME=interpreter bin/jvm-options)
JAR=benchmarks/target/benchmarks.jar
BROKER_JAR=${BROKER_JAR:-$JAR}
WORK=$(mktemp -d)
PORT=18851
trap 'kill $(cat "$WORK"/pid 2>/dev/null) 2>/dev/null || true' EXIT

broker() { # name, config body
  printf '%s\n' "$2" > "$WORK/$1.yaml"
  local opts=("${BROKER_OPTS[@]}")
  [ "$1" = js-interpreter ] && opts=("${INTERPRETER_OPTS[@]}")
  "$JAVA" "${opts[@]}" -cp "$BROKER_JAR" \
      io.polyhook.broker.cli.PolyhookCommand run \
      --config "$WORK/$1.yaml" > "$WORK/$1.${round:-1}.log" 2>&1 &
  echo $! > "$WORK/pid"
  # Up to 120 s: with the optimizing runtime on a busy machine, loading a JavaScript script takes 30 s.
  for _ in $(seq 1200); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return; sleep 0.1; done
  echo "broker $1 did not start" >&2; cat "$WORK/$1.${round:-1}.log" >&2; exit 1
}
stop() { kill "$(cat "$WORK/pid")"; wait "$(cat "$WORK/pid")" 2>/dev/null || true; }
# Both JVMs (broker and generator) need some 150,000 messages before the JIT has compiled the hot
# paths; measured cold, a run shows a third of the warm throughput. WARMUP overrides.
WARMUP=${WARMUP:-$((MESSAGES * 3))}
QOS=${QOS:-0,1}
generate() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.polyhook.bench.load.LoadGenerator --port $PORT --scenarios "$SCENARIOS" \
           --messages "$MESSAGES" --limit-seconds 60 "$@" 2>/dev/null | grep -v '^$'; }
load() { # with the broker's CPU time per delivered message (--broker-pid): steadier than the rate on shared cores
  local cpu=(--broker-pid "$(cat "$WORK/pid")")
  if [ -z "${CHUNKS:-}" ]; then generate --qos "$QOS" --warmup "$WARMUP" "${cpu[@]}"; else generate --qos "$QOS" --warmup 0 --rounds "$CHUNKS" "${cpu[@]}"; fi
}
# RSS, heap used after a full GC, CPU seconds of the JIT compiler threads (HotSpot's C1/C2 for Java,
# the Graal compiler's threads for JavaScript) and of all threads.
details() {
  local pid=$1 heap clk cpu
  "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null 2>&1 || true
  heap=$("$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info 2>/dev/null | sed -nE 's/.*heap.* used ([0-9]+K).*/\1/p' | head -1)
  clk=$(getconf CLK_TCK)
  cpu=$(for t in /proc/"$pid"/task/*; do printf '%s\t%s\n' "$(cat "$t"/comm)" "$(cut -d' ' -f14,15 "$t"/stat)"; done 2>/dev/null |
        awk -F'\t' -v clk="$clk" '{ split($2, a, " "); s = (a[1] + a[2]) / clk; all += s;
             if ($1 ~ /^C[12] CompilerThre/) java += s; else if ($1 ~ /Compiler|JVMCI|Truffle/) graal += s }
             END { printf "CPU s: all threads %.1f, Java JIT (C1/C2) %.1f, Graal/Truffle compiler %.1f", all, java, graal }')
  echo "   broker RSS $(ps -o rss= -p "$pid" | tr -d ' ') KiB, heap used after GC ${heap:-?}; $cpu"
}
common="listeners: [{ type: tcp, address: \"127.0.0.1:$PORT\" }]
admin: { address: \"127.0.0.1:0\" }"
# A config file refuses anonymous clients unless it allows them; the generator's clients are anonymous.
anonymous="broker: { allow_anonymous: true }"

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

# Results for the summary: round, broker, scenario, QoS, msgs/s, broker CPU µs per message.
: > "$WORK/results"
record() { # round, broker; reads the generator's table
  awk -v round="$1" -v run="$2" '{ print } NF >= 9 && $2 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ {
        print round, run, $1, $2, $5, $9 >> results }' results="$WORK/results"
}
# Median of the numbers on one line, printed with format $1; "-" for none.
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk -v fmt="$1" '{ v[NR] = $1 } END {
    if (NR == 0) print "-"; else printf fmt "\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
summary() {
  [ -s "$WORK/results" ] || return 0
  echo "== msgs/s as a fraction of the no-hook rate of the same round (\"of none\"; - without a none run)"
  printf '%-6s %-15s %-9s %4s %10s %11s %8s\n' round broker scenario qos msgs/s "cpu us/msg" "of none"
  awk '{ key = $1 " " $3 " " $4; if ($2 == "none") none[key] = $5; line[NR] = $0 }
       END { for (i = 1; i <= NR; i++) { split(line[i], f, " "); key = f[1] " " f[3] " " f[4]
               frac = (key in none) && none[key] > 0 ? sprintf("%.2f", f[5] / none[key]) : "-"
               printf "%-6s %-15s %-9s %4s %10s %11s %8s\n", f[1], f[2], f[3], f[4], f[5], f[6], frac } }' \
      "$WORK/results" | tee "$WORK/fractions"
  echo "== median over $ROUNDS round(s)"
  printf '%-15s %-9s %4s %10s %11s %8s\n' broker scenario qos msgs/s "cpu us/msg" "of none"
  for run in $RUNS; do
    for sq in $(awk -v run="$run" '$2 == run { print $3 ":" $4 }' "$WORK/fractions" | sort -u); do
      sel() { awk -v run="$run" -v s="${sq%%:*}" -v q="${sq##*:}" -v col="$1" \
                '$2 == run && $3 == s && $4 == q && $col != "-" { printf "%s ", $col }' "$WORK/fractions"; }
      printf '%-15s %-9s %4s %10s %11s %8s\n' "$run" "${sq%%:*}" "${sq##*:}" \
          "$(sel 5 | median %.0f)" "$(sel 6 | median %.2f)" "$(sel 7 | median %.2f)"
    done
  done
}

read -r -a ORDER <<< "$RUNS"
for round in $(seq "$ROUNDS"); do
[ "$ROUNDS" -gt 1 ] && echo "=== round $round of $ROUNDS"
for i in "${!ORDER[@]}"; do
  run=${ORDER[$(( (i + round - 1) % ${#ORDER[@]} ))]}
  echo "== $run  (load before: $(uptime | sed 's/.*load average/load average/'))"
  case $run in
    none) broker none "$common
$anonymous
scripts: { dir: $WORK/none }" ;;
    java) broker java "$common
$anonymous
scripts: { dir: $WORK/none }
plugins: { TopicPrefixPlugin: { enabled: true } }" ;;
    lua) broker lua "$common
$anonymous
scripts: { dir: $WORK/lua }" ;;
    js|js-interpreter) broker "$run" "$common
$anonymous
scripts: { dir: $WORK/js }" ;;
    cache) broker cache "$common
broker: { allow_anonymous: false }
scripts: { dir: $WORK/cache }" ;;
    *) echo "unknown run $run" >&2; exit 1 ;;
  esac
  load | record "$round" "$run"
  details "$(cat "$WORK/pid")"
  # A run (or its warm-up) in which a subscriber's queue passed max_online_messages lost messages:
  # its rate is not a rate. The broker logs that once per subscriber.
  behind=$(grep -c "a subscriber stays behind" "$WORK/$run.$round.log" || true)
  [ "$behind" = 0 ] || echo "   DROPPED: $behind subscriber(s) stayed behind and lost messages (log: $WORK/$run.$round.log)"
  echo "   load after: $(uptime | sed 's/.*load average: //')"
  stop
done
done
[ -n "${CHUNKS:-}" ] || summary
