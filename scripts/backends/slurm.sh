# A one-node Slurm cluster on 127.0.0.1 for distributed runs (Debian's slurm-wlm 22.05 and munge):
# munged, slurmctld and slurmd as root with every file under .scoretune/backends/slurm, ports off
# the defaults, CPUs=8 (config_overrides) so 4–8 tasks start together on a small machine,
# proctrack/linuxproc and task/none (no cgroups needed). Clients find it with
#   SLURM_CONF=.scoretune/backends/slurm/slurm.conf srun -n 4 hostname
# (`scripts/backend env slurm` prints that path). Not a store: no buckets, no .env.score.
CTLD_PORT=6917
SLURMD_PORT=6918

slurm_conf() {
  cat > "$BACKEND_DIR/slurm.conf" <<CONF
# Written by scripts/backend start slurm: a one-node cluster on 127.0.0.1 for scoretune's tests.
ClusterName=scoretune
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$BACKEND_DIR/munge/munge.socket.2
CryptoType=crypto/munge
StateSaveLocation=$BACKEND_DIR/state
SlurmdSpoolDir=$BACKEND_DIR/spool
SlurmctldPidFile=$BACKEND_DIR/slurmctld.pid
SlurmdPidFile=$BACKEND_DIR/slurmd.pid
SlurmctldLogFile=$BACKEND_DIR/slurmctld.log
SlurmdLogFile=$BACKEND_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdParameters=config_overrides
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=scoretune Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
}

backend_running() { pidfile_alive "$BACKEND_DIR/slurmctld.pid" && pidfile_alive "$BACKEND_DIR/slurmd.pid"; }

backend_start() {
  command -v slurmctld >/dev/null && command -v munged >/dev/null || "$ROOT/scripts/bootstrap" slurm
  mkdir -p "$BACKEND_DIR/munge" "$BACKEND_DIR/state" "$BACKEND_DIR/spool"
  chmod 700 "$BACKEND_DIR/munge"
  if backend_running; then
    echo "backend slurm: already running (slurmctld $(cat "$BACKEND_DIR/slurmctld.pid"))"
    return 0
  fi
  for port in $CTLD_PORT $SLURMD_PORT; do
    if port_in_use "$port"; then echo "backend slurm: port $port on 127.0.0.1 is taken by another program" >&2; return 1; fi
  done
  [ -f "$BACKEND_DIR/munge/munge.key" ] || { dd if=/dev/urandom of="$BACKEND_DIR/munge/munge.key" bs=1024 count=1 status=none; chmod 400 "$BACKEND_DIR/munge/munge.key"; }
  slurm_conf
  if ! pidfile_alive "$BACKEND_DIR/munge/munged.pid"; then
    # --force: munged refuses a key or socket directory owned by root otherwise.
    munged --force --key-file="$BACKEND_DIR/munge/munge.key" --socket="$BACKEND_DIR/munge/munge.socket.2" \
      --pid-file="$BACKEND_DIR/munge/munged.pid" --log-file="$BACKEND_DIR/munge/munged.log" --seed-file="$BACKEND_DIR/munge/munged.seed"
  fi
  export SLURM_CONF="$BACKEND_DIR/slurm.conf"
  slurmctld -f "$SLURM_CONF" -i
  slurmd -f "$SLURM_CONF" -N localhost
  # Ready when the node is idle (bounded).
  local i
  for i in $(seq 1 100); do
    sinfo -h -N -o '%T' 2>/dev/null | grep -q '^idle' && { echo "backend slurm: one node, 8 CPUs; SLURM_CONF=$SLURM_CONF"; return 0; }
    sleep 0.2
  done
  echo "backend slurm: the node did not come up (logs: $BACKEND_DIR/slurmctld.log, slurmd.log)" >&2
  return 1
}

backend_stop() {
  stop_pidfile "$BACKEND_DIR/slurmd.pid"
  stop_pidfile "$BACKEND_DIR/slurmctld.pid"
  stop_pidfile "$BACKEND_DIR/munge/munged.pid"
  echo "backend slurm: stopped"
}

backend_vacuum() { :; }
