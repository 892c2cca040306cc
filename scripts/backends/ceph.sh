# A single-node Ceph cluster (one mon, one bluestore OSD on a sparse file, RGW on beast) run the
# way Ceph's own vstart.sh does it: no systemd, no cephadm, every file under $BACKEND_DIR.
# No mgr: RGW does not need one, and it saves ~300 MiB.
ENDPOINT=http://127.0.0.1:7480
PORT=7480
MON_ADDR=127.0.0.1:6789
ACCESS_KEY=scoretune-ceph
SECRET_KEY=ceph-test-secret-0123456789
CONF="$BACKEND_DIR/ceph.conf"

ceph_cli() { timeout 30 ceph -c "$CONF" --connect-timeout 10 "$@"; }

# Written on every start, so a changed setting here reaches an existing cluster.
write_conf() {
  local fsid d=$BACKEND_DIR
  fsid=$(cat "$d/fsid")
  cat > "$CONF" <<CONF
[global]
fsid = $fsid
mon host = v1:$MON_ADDR
ms bind msgr2 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $d/keyring
run dir = $d/run
admin socket = $d/run/\$name.asok
log file = $d/log/\$name.log
pid file = $d/run/\$name.pid
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
paxos propose interval = 0.1
mon data avail warn = 2
mon data avail crit = 1
mon warn on pool no redundancy = false
osd memory target = 1073741824
bluestore block create = true
bluestore block size = 21474836480
# Without tcp_nodelay beast's small second write waits for a delayed ACK: 40 ms per request.
# Deleted data is otherwise kept for two hours.
rgw gc obj min wait = 30
rgw gc processor period = 30

[mon.a]
mon data = $d/mon.a

[osd.0]
osd data = $d/osd.0
osd objectstore = bluestore

[client.rgw.a]
rgw frontends = beast endpoint=$ENDPOINT_HOSTPORT tcp_nodelay=1
rgw data = $d/rgw
rgw dns name = 127.0.0.1
CONF
}

# First start only: keys, monmap, mon and OSD file systems.
create_cluster() {
  local d=$BACKEND_DIR fsid osd_uuid osd_key
  mkdir -p "$d/run" "$d/log" "$d/mon.a" "$d/osd.0" "$d/rgw"
  python3 -c 'import uuid; print(uuid.uuid4())' > "$d/fsid"
  fsid=$(cat "$d/fsid")
  write_conf
  ceph-authtool --create-keyring "$d/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$d/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' >/dev/null
  ceph-authtool "$d/keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' >/dev/null
  monmaptool --create --clobber --fsid "$fsid" --addv a "[v1:$MON_ADDR]" "$d/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$d/monmap" --keyring "$d/keyring" >/dev/null
  start_mon
  ceph_cli auth import -i "$d/keyring" >/dev/null 2>&1 || true
  osd_uuid=$(python3 -c 'import uuid; print(uuid.uuid4())')
  osd_key=$(ceph-authtool --gen-print-key)
  echo "{\"cephx_secret\": \"$osd_key\"}" > "$d/osd.0/new.json"
  ceph_cli osd new "$osd_uuid" -i "$d/osd.0/new.json" >/dev/null
  ceph-authtool --create-keyring "$d/osd.0/keyring" --name osd.0 --add-key "$osd_key" >/dev/null
  ceph-osd -c "$CONF" -i 0 --mkfs --key "$osd_key" --osd-uuid "$osd_uuid" --keyring "$d/osd.0/keyring" \
    >"$d/log/osd-mkfs.out" 2>&1
  touch "$d/created"
}

start_mon() {
  pidfile_alive "$BACKEND_DIR/mon.pid" && return 0
  spawn_daemon "$BACKEND_DIR/log/mon.out" ceph-mon -c "$CONF" -i a -f
  echo $! > "$BACKEND_DIR/mon.pid"
  local i
  for i in $(seq 1 60); do ceph_cli -s >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "backend ceph: the monitor did not come up (log: $BACKEND_DIR/log/mon.a.log)" >&2
  return 1
}

start_osd() {
  pidfile_alive "$BACKEND_DIR/osd.pid" && return 0
  spawn_daemon "$BACKEND_DIR/log/osd.out" ceph-osd -c "$CONF" -i 0 -f --keyring "$BACKEND_DIR/osd.0/keyring"
  echo $! > "$BACKEND_DIR/osd.pid"
  local i
  for i in $(seq 1 120); do
    ceph_cli osd dump 2>/dev/null | grep -q '^osd.0 up' && return 0
    sleep 0.5
  done
  echo "backend ceph: the OSD did not come up (log: $BACKEND_DIR/log/osd.0.log)" >&2
  return 1
}

start_rgw() {
  pidfile_alive "$BACKEND_DIR/pid" && return 0
  spawn_daemon "$BACKEND_DIR/log/rgw.out" radosgw -c "$CONF" -n client.rgw.a -f
  echo $! > "$BACKEND_DIR/pid"
  wait_http "$ENDPOINT/" 120
}

backend_start() {
  ENDPOINT_HOSTPORT=${ENDPOINT#http://}
  if ! command -v radosgw >/dev/null || ! command -v ceph-osd >/dev/null; then
    "$ROOT/scripts/bootstrap" ceph
  fi
  mkdir -p "$BACKEND_DIR"
  if backend_running && pidfile_alive "$BACKEND_DIR/osd.pid" && pidfile_alive "$BACKEND_DIR/mon.pid"; then
    echo "backend ceph: already running (rgw pid $(cat "$BACKEND_DIR/pid"))"
  else
    if ! backend_running && port_in_use "$PORT"; then
      echo "backend ceph: port $PORT on 127.0.0.1 is taken by another program" >&2
      return 1
    fi
    # A half-made cluster from an interrupted first start is wiped and made again.
    if [ ! -f "$BACKEND_DIR/created" ]; then
      backend_stop >/dev/null
      rm -rf "${BACKEND_DIR:?}"/*
      create_cluster
    fi
    write_conf
    start_mon
    start_osd
    start_rgw
  fi
  radosgw-admin -c "$CONF" -n client.admin user info --uid scoretune >/dev/null 2>&1 ||
    radosgw-admin -c "$CONF" -n client.admin user create --uid scoretune --display-name scoretune \
      --access-key "$ACCESS_KEY" --secret "$SECRET_KEY" >/dev/null
  provision_buckets
  write_env
  echo "backend ceph: $ENDPOINT, env file $BACKEND_DIR/.env.score"
}

backend_stop() {
  stop_pidfile "$BACKEND_DIR/pid"
  stop_pidfile "$BACKEND_DIR/osd.pid"
  stop_pidfile "$BACKEND_DIR/mon.pid"
  echo "backend ceph: stopped"
}

backend_vacuum() { :; }  # RGW's garbage collector frees deleted data (rgw gc obj min wait is short here)
