#!/usr/bin/env bash
# ./relay sitting: several servers under the same loads in one sitting, interleaved round by round, each
# server on its own core and the load generator on another, then one Markdown table with ratios to a
# baseline (docs/benchmarking.md, "A sitting in one command"). Run through ./relay, which finds the JDK and
# builds the jars first.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
die() { echo "sitting: $*" >&2; exit 1; }

usage() {
  cat <<'EOF'
usage: ./relay sitting --server NAME[=OPTS]... --scenario 'ARGS'... [options]

  --server NAME[=OPTS]   a server to run, repeatable; NAME's prefix says what it is:
                           relay...  ./relay serve; OPTS are its JVM options (RELAY_JVM_OPTS), then
                                     after a lone -- its own arguments: relay-np='-- --idle-park-ms 0'
                           uws... / ws...  the Node peers (../shared/peers/start.sh); no OPTS
                           netty...  ./relay peer netty; OPTS are its arguments, e.g. '--threads 1'
                         NAME is the run's label: e.g. relay, relay-nospin='-XX:+UseSerialGC', uws
  --jar NAME=PATH        the relay server NAME runs the relay-server jar at PATH (another build, e.g. a
                         copy of relay-server/target/relay-server.jar from an older commit) instead of
                         this checkout's: two builds of relay side by side
  --scenario 'ARGS'      a load generator scenario and its load options, repeatable, e.g.
                           'carparty -R 10 -K 50 -M 20 -s 128' or 'booth -P 1000 -r 5 -s 128'
                         (no --url, --out, --label, --server-pid, -d or --warmup: the sitting sets them)
  --rounds N             rounds; each runs every scenario against every server in turn, round r
                         starting with the r-th server (default 2)
  --warmup D             warm-up per run, not measured (default 30s: the JIT compiles meanwhile)
  --duration D           measured time per run (default 20s)
  --baseline NAME        the server the table's ratios divide by (default: uws if it runs, else the first)
  --out DIR              where the runs go (default results/sitting-<UTC time>)
  --relay-args 'ARGS'    arguments for every relay server (default '--max-messages-per-second 0': the
                         default rate limit would cut off the generator's floods)
  --server-cpus LIST     taskset CPU list for the servers (default: the last CPU)
  --loadgen-cpus LIST    taskset CPU list for the load generator (default: CPU 0)
  --no-pin               run both unpinned (also the default with one CPU or without taskset)
  --port N               the port the servers take in turn (default 19500)
  --peers DIR            the reference peers (default ../shared/peers next to the repository)
EOF
}

servers=(); scenarios=(); jars=(); rounds=2; warmup=30s; duration=20s; baseline=""; out=""
relay_args="--max-messages-per-second 0"; server_cpus=""; loadgen_cpus=""; pin=1; port=19500
peers="$ROOT/../shared/peers"
while (($#)); do
  case "$1" in
    --server) servers+=("${2:?--server needs NAME[=OPTS]}"); shift 2 ;;
    --scenario) scenarios+=("${2:?--scenario needs ARGS}"); shift 2 ;;
    --jar) jars+=("${2:?--jar needs NAME=PATH}"); shift 2 ;;
    --rounds) rounds="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --duration) duration="${2:?}"; shift 2 ;;
    --baseline) baseline="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --relay-args) relay_args="${2?}"; shift 2 ;;
    --server-cpus) server_cpus="${2:?}"; shift 2 ;;
    --loadgen-cpus) loadgen_cpus="${2:?}"; shift 2 ;;
    --no-pin) pin=0; shift ;;
    --port) port="${2:?}"; shift 2 ;;
    --peers) peers="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done
((${#servers[@]})) || { usage >&2; die "no --server given"; }
((${#scenarios[@]})) || { usage >&2; die "no --scenario given"; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive number, not '$rounds'"
[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "--port must be a TCP port, not '$port'"

names=()
for spec in "${servers[@]}"; do
  name="${spec%%=*}"
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "server name '$name' may hold only letters, digits, '.', '_' and '-'"
  case "$name" in
    relay*|netty*) ;;
    uws*|ws*) [[ $spec != *=* ]] || die "the Node peer '$name' takes no options" ;;
    *) die "server '$name': the name must start with relay, uws, ws or netty" ;;
  esac
  for seen in "${names[@]}"; do [[ $seen != "$name" ]] || die "server name '$name' given twice"; done
  names+=("$name")
done
declare -A jar_of=()
for spec in "${jars[@]}"; do
  [[ $spec == ?*=?* ]] || die "--jar needs NAME=PATH, not '$spec'"
  name="${spec%%=*}" jar="${spec#*=}"
  [[ $name == relay* && " ${names[*]} " == *" $name "* ]] || die "--jar $name: no relay server of that name (--server $name)"
  [[ -f $jar ]] || die "--jar $name: no such file: $jar"
  jar_of[$name]="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
done
for scenario in "${scenarios[@]}"; do
  read -r -a words <<<"$scenario"
  for word in "${words[@]}"; do
    case "$word" in
      --url*|--out*|--label*|--server-pid*|-d|--duration*|--warmup*)
        die "scenario '$scenario': $word is set by the sitting (see --duration, --warmup)" ;;
    esac
  done
done
if [[ -z $baseline ]]; then
  baseline="${names[0]}"
  for name in "${names[@]}"; do [[ $name != uws ]] || baseline=uws; done
fi

cpus="$(nproc 2>/dev/null || echo 1)"
if ((pin)) && { ((cpus < 2)) || ! command -v taskset >/dev/null; }; then
  echo "sitting: not pinning (needs taskset and at least 2 CPUs; this machine has $cpus)" >&2
  pin=0
fi
server_pin=(); loadgen_pin=()
if ((pin)); then
  server_pin=(taskset -c "${server_cpus:-$((cpus - 1))}")
  loadgen_pin=(taskset -c "${loadgen_cpus:-0}")
fi

out="${out:-results/sitting-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
log="$out/sitting.txt"
{
  echo "sitting started $(date -u '+%Y-%m-%d %H:%M:%S') UTC on $(hostname), $cpus CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  echo "relay $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '(not a git checkout)'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
  echo "servers pinned: ${server_pin[*]:-no}; load generator pinned: ${loadgen_pin[*]:-no}"
  for name in "${!jar_of[@]}"; do
    echo "server $name runs ${jar_of[$name]} (sha256 $(sha256sum "${jar_of[$name]}" | cut -c1-16))"
  done
} >"$log"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server SPEC PORT LOGFILE: starts it in the background; sets server_pid once it accepts connections.
start_server() {
  local spec="$1" p="$2" file="$3" name="${1%%=*}" opts="" jvm_opts="" env=()
  [[ $spec == *=* ]] && opts="${spec#*=}"
  port_open "$p" && die "port $p is taken before $name starts; pick another with --port"
  local cmd=()
  case "$name" in
    relay*)
      # relay's OPTS: JVM options, then after a lone "--" the server's own arguments
      jvm_opts="$opts"
      read -r -a extra <<<"$relay_args"
      local padded=" $opts "
      if [[ $padded == *" -- "* ]]; then
        jvm_opts="${padded%% -- *}"
        read -r -a own <<<"${padded#* -- }"
        extra+=("${own[@]}")
      fi
      [[ -n ${jvm_opts// /} ]] && env+=("RELAY_JVM_OPTS=$jvm_opts")
      [[ -n ${jar_of[$name]:-} ]] && env+=("RELAY_SERVER_JAR=${jar_of[$name]}")
      cmd=("$ROOT/relay" serve --listen "127.0.0.1:$p" "${extra[@]}" --log-level WARNING) ;;
    netty*)
      read -r -a extra <<<"$opts"
      cmd=("$ROOT/relay" peer netty "$p" "${extra[@]}") ;;
    ws*) cmd=("$peers/start.sh" ws "$p") ;;
    uws*) cmd=("$peers/start.sh" uws "$p") ;;
  esac
  echo "$(date -u +%H:%M:%S) server $name: ${env[*]} ${server_pin[*]} ${cmd[*]}" >>"$log"   # OPTS are in env or cmd
  env "${env[@]}" "${server_pin[@]}" "${cmd[@]}" >"$file" 2>&1 &   # env and taskset exec: $! is the server
  server_pid=$!
  local waited=0
  until port_open "$p"; do
    kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$file" >&2; die "$name exited before listening (log: $file)"; }
    ((waited++ < 1800)) || { stop_server; die "$name did not listen on $p within 180 s (log: $file)"; }
    sleep 0.1
  done
}

stop_server() {
  [[ -n ${server_pid:-} ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
trap stop_server EXIT

runs=0; failed=0
for ((round = 1; round <= rounds; round++)); do
  for i in "${!scenarios[@]}"; do
    read -r -a load <<<"${scenarios[$i]}"
    dir="$out/$((i + 1))-${load[0]}"
    # Round r starts with the r-th server, so that none always runs first (the machine's cold start, a
    # settling page cache) or always right after the same neighbour.
    for ((k = 0; k < ${#servers[@]}; k++)); do
      spec="${servers[(k + round - 1) % ${#servers[@]}]}"
      name="${spec%%=*}"
      run="$dir/$name-$round"
      mkdir -p "$run"
      start_server "$spec" "$port" "$run/server.log"
      cmd=("$ROOT/relay" loadgen "${load[@]}" --url "ws://127.0.0.1:$port" --server-pid "$server_pid"
           --label "$name" --warmup "$warmup" -d "$duration" --quiet --out "$run")
      echo "$(date -u +%H:%M:%S) round $round: ${loadgen_pin[*]} ${cmd[*]}" >>"$log"
      echo "sitting: round $round/$rounds, ${scenarios[$i]}, $name" >&2
      runs=$((runs + 1))
      if ! "${loadgen_pin[@]}" "${cmd[@]}" >"$run/loadgen.txt" 2>&1; then
        failed=$((failed + 1))
        echo "sitting: the run failed (see $run/loadgen.txt)" >&2
        echo "  failed: see $run/loadgen.txt" >>"$log"
      fi
      stop_server
      sleep 1   # the port and the core settle before the next server
    done
  done
done
echo "sitting ended $(date -u '+%Y-%m-%d %H:%M:%S') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); $runs runs, $failed failed" >>"$log"

# One latency chart page per load, from round 1's logs.
for dir in "$out"/*/; do
  logs=("$dir"*-1/*.hlog)
  [[ -f ${logs[0]} ]] || continue
  "$ROOT/relay" loadgen compare "${logs[@]}" --html "$dir/compare.html" >/dev/null || true
done
"$ROOT/relay" loadgen table --baseline "$baseline" "$out" --out "$out/table.md"
echo "sitting: $out/table.md, $log, a compare.html per load" >&2
((failed == 0)) || die "$failed of $runs runs failed"
