# rclone `serve s3` over a local directory: each top-level folder is a bucket. SigV4 only.
ENDPOINT=http://127.0.0.1:8334
PORT=8334
ACCESS_KEY=scoretune-rclone
SECRET_KEY=rclone-test-secret-0123456789

launch_daemon() {
  [ -x "$VENV/bin/rclone" ] || "$ROOT/scripts/bootstrap"
  mkdir -p "$BACKEND_DIR/data"
  : > "$BACKEND_DIR/rclone.conf"
  : > "$BACKEND_DIR/log"
  spawn_daemon "$BACKEND_DIR/log" "$VENV/bin/rclone" serve s3 --config "$BACKEND_DIR/rclone.conf" --addr "127.0.0.1:$PORT" \
    --auth-key "$ACCESS_KEY,$SECRET_KEY" "$BACKEND_DIR/data"
  echo $! > "$BACKEND_DIR/pid"
}

backend_start() { start_daemon; }
backend_stop() { stop_pidfile "$BACKEND_DIR/pid"; echo "backend $name: stopped"; }

backend_vacuum() { :; }  # rclone serves plain files: deleting frees the space
