# SeaweedFS `weed mini` (master, volume, filer and S3 in one process) with SigV4 identities.
ENDPOINT=http://127.0.0.1:8333
PORT=8333
ACCESS_KEY=scoretune-seaweedfs
SECRET_KEY=seaweedfs-test-secret-0123456789

launch_daemon() {
  [ -x "$VENV/bin/weed" ] || "$ROOT/scripts/bootstrap"
  mkdir -p "$BACKEND_DIR/data"
  cat > "$BACKEND_DIR/identities.json" <<JSON
{"identities":[{"name":"scoretune","credentials":[{"accessKey":"$ACCESS_KEY","secretKey":"$SECRET_KEY"}],
  "actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  # weed keeps unix sockets in /tmp named after its ports, which a namespace does not separate:
  # a second instance in a namespace takes other internal ports, and local sockets live in its folder.
  local ports=()
  [ -n "$NETNS" ] && ports=(-master.port=9433 -filer.port=8988 -volume.port=8180 -admin.port=23746 -s3.port.grpc=18433)
  : > "$BACKEND_DIR/log"
  spawn_daemon "$BACKEND_DIR/log" "${IN_NS[@]}" "$VENV/bin/weed" mini -dir="$BACKEND_DIR/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port=$PORT -s3.config="$BACKEND_DIR/identities.json" -admin.ui=false "${ports[@]}" \
    -filer.localSocket="$BACKEND_DIR/filer.sock" -s3.localSocket="$BACKEND_DIR/s3.sock"
  echo $! > "$BACKEND_DIR/pid"
}

backend_start() { start_daemon; }
backend_stop() {
  backend_running && { backend_vacuum || true; }
  stop_pidfile "$BACKEND_DIR/pid"
  echo "backend $name: stopped"
}

# Deleted objects stay in SeaweedFS volumes until a vacuum compacts them: a long test or bench run
# otherwise fills the disk and then every write fails with "no writable volumes".
backend_vacuum() {
  local master=9333
  [ -n "$NETNS" ] && master=9433
  "${IN_NS[@]}" curl -sS -f -m 300 -o "$BACKEND_DIR/.last-answer" "http://127.0.0.1:$master/vol/vacuum?garbageThreshold=0.01"
}
