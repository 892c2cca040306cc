# Shared by the backend scripts: paths, PID handling, readiness waits, S3 requests with curl,
# and the .env.score writer. Sourced by scripts/backend with $name set.
ROOT=$(cd "$here/.." && pwd)
VENV="$ROOT/.scoretune/venv"
# SCORETUNE_NETNS=NAME runs the backend inside that network namespace (scripts/netns creates it),
# with its own loopback: its state lives under backends/NAME@NETNS and every request runs there too.
NETNS=${SCORETUNE_NETNS:-}
if [ -n "$NETNS" ]; then
  BACKEND_DIR="$ROOT/.scoretune/backends/$name@$NETNS"
  IN_NS=(ip netns exec "$NETNS")
else
  BACKEND_DIR="$ROOT/.scoretune/backends/$name"
  IN_NS=()
fi
OBJECT_BUCKET=score-object
STATE_BUCKET=score-state
SENTINEL=heliograph

# A PID is alive when its process exists and is not a zombie (PID 1 here reaps late).
pid_alive() {
  local pid=$1 state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != "Z" ]
}

pidfile_alive() { [ -f "$1" ] && pid_alive "$(cat "$1")"; }

# Stops the process named by a PID file: SIGTERM, then SIGKILL after a bounded wait.
stop_pidfile() {
  local file=$1 pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Starts a daemon in the background with its output appended to LOG; its PID is in $! afterwards.
# It keeps no file descriptor of ours but the three standard ones: a daemon holding a caller's
# pipe keeps that caller waiting for an end of output that never comes.
spawn_daemon() {
  local log=$1; shift
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec nohup "$@" >>"$log" 2>&1 </dev/null
  ) &
}

port_in_use() { "${IN_NS[@]}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Waits (bounded) until an HTTP server answers on the URL with any status.
wait_http() {
  local url=$1 seconds=$2 i
  for i in $(seq 1 $((seconds * 10))); do
    "${IN_NS[@]}" curl -s -o "$BACKEND_DIR/.last-answer" -m 2 "$url" && return 0
    sleep 0.1
  done
  echo "backend $name: no answer from $url after ${seconds}s (log: $BACKEND_DIR/log)" >&2
  return 1
}

# s3 METHOD PATH [curl args...]: a SigV4-signed request to the backend; fails on HTTP >= 400.
s3() {
  local method=$1 path=$2; shift 2
  "${IN_NS[@]}" curl -sS -f -X "$method" --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$ENDPOINT$path" "$@"
}

# Creates the buckets (an existing one is fine) and the sentinel object Score's ping reads.
provision_buckets() {
  local bucket code
  for bucket in "$OBJECT_BUCKET" "$STATE_BUCKET"; do
    code=$("${IN_NS[@]}" curl -s -o "$BACKEND_DIR/.last-answer" -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
      --user "$ACCESS_KEY:$SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$ENDPOINT/$bucket")
    case "$code" in 200|409) ;; *) echo "backend $name: creating bucket $bucket answered HTTP $code" >&2; return 1 ;; esac
  done
  # A store that has just started may answer 500 until its volumes are ready: retry, bounded.
  local i
  for i in $(seq 1 30); do
    printf 'scoretune sentinel for Score ping\n' | s3 PUT "/$OBJECT_BUCKET/data/$SENTINEL" --data-binary @- -o "$BACKEND_DIR/.last-answer" 2>/dev/null && return 0
    sleep 0.5
  done
  printf 'scoretune sentinel for Score ping\n' | s3 PUT "/$OBJECT_BUCKET/data/$SENTINEL" --data-binary @- -o "$BACKEND_DIR/.last-answer"
}

write_env() {
  cat > "$BACKEND_DIR/.env.score" <<ENV
# .env.score for the local $name backend, written by scripts/backend start $name.
# Test credentials only: this server listens on 127.0.0.1.
SPRING_PROFILES_ACTIVE=prod,aws
S3_ENDPOINT=$ENDPOINT
S3_ACCESSKEY=$ACCESS_KEY
S3_SECRETKEY=$SECRET_KEY
S3_SIGV4ENABLED=true

BUCKET_NAME_OBJECT=$OBJECT_BUCKET
BUCKET_NAME_STATE=$STATE_BUCKET
OBJECT_SENTINEL=$SENTINEL

UPLOAD_PARTSIZE=20971520
UPLOAD_RETRY_LIMIT=5
UPLOAD_CONNECTION_TIMEOUT=15000
UPLOAD_CLEAN_ENABLED=true
UPLOAD_CLEAN_CRON="0 0 0 * * ?"
ENV
}

backend_running() { pidfile_alive "$BACKEND_DIR/pid"; }

# The common start: idempotent, refuses a port some other program holds, then provisions.
start_daemon() {
  mkdir -p "$BACKEND_DIR"
  if backend_running; then
    echo "backend $name: already running (pid $(cat "$BACKEND_DIR/pid"))"
  else
    if port_in_use "$PORT"; then
      echo "backend $name: port $PORT on 127.0.0.1 is taken by another program" >&2
      return 1
    fi
    launch_daemon
    wait_http "$ENDPOINT/" 60
  fi
  provision_buckets
  write_env
  echo "backend $name: $ENDPOINT, env file $BACKEND_DIR/.env.score"
}
