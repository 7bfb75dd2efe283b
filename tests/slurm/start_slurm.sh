#!/bin/bash
# Copied from ../shared/reference/slurm-single-node-start.sh (the workplace's verified recipe).
# Verified recipe: a one-node Slurm on loopback (no systemd, as root). Packages: slurmctld slurmd slurm-client munge.
# Export SLURM_CONF=$D/slurm.conf afterwards; stop with the matching stop script and the same D.
# Single-node Slurm on loopback, no systemd, as root. All state under $D.
set -euo pipefail
D=${D:?set D to an empty state directory, e.g. D=$(mktemp -d)}
rm -rf "$D"; mkdir -p "$D"/{munge,state,spool,log,jobs}; chmod 0755 "$D" "$D/munge"
H=$(hostname -s)
dd if=/dev/urandom of="$D/munge/munge.key" bs=1 count=1024 status=none; chmod 0400 "$D/munge/munge.key"
/usr/sbin/munged -F --force --socket="$D/munge/munge.sock" --key-file="$D/munge/munge.key" \
  --pid-file="$D/munge/munged.pid" --log-file="$D/log/munged.log" --seed-file="$D/munge/seed" &
echo $! > "$D/munged.pid.sh"
CPUS=$(nproc)
cat > "$D/slurm.conf" <<CONF
ClusterName=ci
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.sock
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=30
NodeName=$H NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF="$D/slurm.conf"
for i in $(seq 50); do [ -S "$D/munge/munge.sock" ] && break; sleep 0.1; done
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" > "$D/log/slurmctld.out" 2>&1 &
echo $! > "$D/slurmctld.pid.sh"
/usr/sbin/slurmd -D -f "$SLURM_CONF" > "$D/log/slurmd.out" 2>&1 &
echo $! > "$D/slurmd.pid.sh"
for i in $(seq 60); do
  st=$(sinfo -h -o %T 2>/dev/null || true)
  [ "$st" = idle ] && { echo "slurm up after ~$((i/2))s: $(sinfo -h)"; exit 0; }
  sleep 0.5
done
echo "slurm did not come up"; tail -20 "$D"/log/*; exit 1
