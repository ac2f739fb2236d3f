# Helpers for slo-check's script tests: free loopback ports, the demo service, the fault server,
# a private Prometheus, bounded load, and a trap that stops everything started here.
# Source after tests/cli/lib.sh.
DEMO_DIR="$RELGATE_SOURCE_DIR/tests/support/demo-service"
SLO_PIDS=()

slo_cleanup() {
  local pid
  for pid in "${SLO_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${SLO_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  wait 2>/dev/null
}
trap slo_cleanup EXIT

# free_port BASE: the first port from BASE that nothing listens on (checked by binding it).
free_port() {
  local port=$1
  while [ "$port" -lt $(($1 + 200)) ]; do
    if python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $port)); s.close()" 2>/dev/null; then
      echo "$port"; return 0
    fi
    port=$((port + 1))
  done
  echo "no free port near $1" >&2; return 1
}

wait_http() { # wait_http URL [SECONDS]
  local deadline=$((SECONDS + ${2:-10}))
  while [ $SECONDS -lt $deadline ]; do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  echo "not answering: $1" >&2; return 1
}

# start_script_server VAR BASE PATH SCRIPT [ARGS...]: runs `python3 SCRIPT PORT ARGS...` (a fake
# Prometheus or /metrics) on the first free loopback port from BASE, waits until PATH answers and
# puts the port in VAR.
start_script_server() {
  # Locals with a leading underscore: VAR (often "port") must name the caller's variable.
  local _var=$1 _base=$2 _path=$3 _script=$4 _port
  shift 4
  _port=$(free_port "$_base") || return 1
  python3 "$_script" "$_port" "$@" >"$_script.$_port.out" 2>&1 &
  SLO_PIDS+=($!)
  printf -v "$_var" '%s' "$_port"
  wait_http "http://127.0.0.1:$_port$_path" 10
}

start_demo() { # start_demo NAME PORT
  python3 "$DEMO_DIR/demo_service.py" --name "$1" --port "$2" >"$TMP/demo-$1.log" 2>&1 &
  SLO_PIDS+=($!)
  wait_http "http://127.0.0.1:$2/healthz" 10
}

start_fault() { # start_fault MODE PORT [extra args]
  local mode=$1 port=$2; shift 2
  python3 "$DEMO_DIR/fault_server.py" --mode "$mode" --port "$port" "$@" >"$TMP/fault-$mode-$port.log" 2>&1 &
  SLO_PIDS+=($!)
  for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "fault server $mode did not start" >&2; return 1
}

chaos() { # chaos PORT JSON
  curl -s --max-time 5 -X POST -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$1/chaos" >/dev/null
}

# load PORT SECONDS: bounded loopback load, wrk when installed, else a curl loop.
load() {
  if command -v wrk >/dev/null; then
    wrk -t1 -c4 -d"$2"s --timeout 5s "http://127.0.0.1:$1/api" >/dev/null 2>&1
  else
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$1/api"; done
  fi
}
# load_bg PORT SECONDS: the same in the background; the pid recorded is wrk's own, so the trap
# stops the load itself and not only a subshell around it.
load_bg() {
  if command -v wrk >/dev/null; then
    wrk -t1 -c4 -d"$2"s --timeout 5s "http://127.0.0.1:$1/api" >/dev/null 2>&1 &
  else
    load "$@" &
  fi
  SLO_PIDS+=($!)
}

# start_prometheus PORT TARGETS_YAML: TARGETS_YAML is the static_configs list body.
start_prometheus() {
  command -v prometheus >/dev/null || skip "prometheus is not installed (scripts/bootstrap.sh installs it)"
  local port=$1
  mkdir -p "$TMP/prom-data"
  cat >"$TMP/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: demo
    scrape_interval: 1s
    static_configs:
$2
YAML
  prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom-data" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=1h >"$TMP/prometheus.log" 2>&1 &
  SLO_PIDS+=($!)
  local deadline=$((SECONDS + 20))
  while [ $SECONDS -lt $deadline ]; do
    curl -s --max-time 1 "http://127.0.0.1:$port/-/ready" | grep -qi ready && return 0
    sleep 0.2
  done
  echo "prometheus did not become ready"; tail -20 "$TMP/prometheus.log"; return 1
}

# prom_value PORT PROMQL: the value of a one-series instant query, or "none".
prom_value() {
  curl -s --max-time 5 -G "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
    jq -r 'if (.data.result | length) == 1 then .data.result[0].value[1] else "none" end'
}
