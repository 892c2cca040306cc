# The loopback Azure Blob test server (scripts/azure/server.py): no Azure emulator installs here.
# Provisioned with the reference SDK; the .env.score is Score's azure profile plus
# SCORETUNE_AZURE_ENDPOINT, the override scoretune uses instead of https://<account>.blob.core.windows.net.
PORT=10000
ACCOUNT=scoretuneacct
ENDPOINT=http://127.0.0.1:$PORT/$ACCOUNT
UPLOAD_POLICY=UploadPolicy
DOWNLOAD_POLICY=DownloadPolicy

launch_daemon() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import azure.storage.blob' 2>/dev/null || "$ROOT/scripts/bootstrap"
  mkdir -p "$BACKEND_DIR/data"
  # A key of this backend's own, made once: test credentials, never a real account's.
  [ -s "$BACKEND_DIR/account-key" ] || head -c 64 /dev/urandom | base64 -w0 > "$BACKEND_DIR/account-key"
  : > "$BACKEND_DIR/log"
  spawn_daemon "$BACKEND_DIR/log" "$VENV/bin/python" "$ROOT/scripts/azure/server.py" --port "$PORT" --account "$ACCOUNT" \
    --key "$(cat "$BACKEND_DIR/account-key")" --data "$BACKEND_DIR/data"
  echo $! > "$BACKEND_DIR/pid"
}

provision_buckets() {
  "${IN_NS[@]}" "$VENV/bin/python" "$ROOT/scripts/azure/provision.py" "$ENDPOINT" "$ACCOUNT" "$(cat "$BACKEND_DIR/account-key")" \
    "$OBJECT_BUCKET" "$UPLOAD_POLICY" "$DOWNLOAD_POLICY" "$SENTINEL"
}

write_env() {
  cat > "$BACKEND_DIR/.env.score" <<ENV
# .env.score for the local Azure Blob test server, written by scripts/backend start azure.
# Test credentials only: this server listens on 127.0.0.1.
SPRING_PROFILES_ACTIVE=prod,azure
AZURE_ENDPOINTPROTOCOL=http
AZURE_ACCOUNTNAME=$ACCOUNT
AZURE_ACCOUNTKEY=$(cat "$BACKEND_DIR/account-key")
# Not read by Score: where scoretune finds this account instead of http://$ACCOUNT.blob.core.windows.net.
SCORETUNE_AZURE_ENDPOINT=$ENDPOINT

BUCKET_NAME_OBJECT=$OBJECT_BUCKET
BUCKET_POLICY_UPLOAD=$UPLOAD_POLICY
BUCKET_POLICY_DOWNLOAD=$DOWNLOAD_POLICY
OBJECT_SENTINEL=$SENTINEL

UPLOAD_PARTSIZE=20971520
UPLOAD_RETRY_LIMIT=5
UPLOAD_CONNECTION_TIMEOUT=15000
ENV
}

backend_start() { start_daemon; }
backend_stop() { stop_pidfile "$BACKEND_DIR/pid"; echo "backend $name: stopped"; }
backend_vacuum() { :; }  # deleting a blob removes its files
