#!/bin/bash
# Starts a one-node SLURM cluster on this machine (munge, slurmctld, slurmd),
# for the specs that submit a sweep as a job array. Installs slurm-wlm and
# munge with apt when they are missing (as root). Best effort: prints why it
# could not, and the specs then skip with that reason.
set -u
say() { echo "slurm-up: $*"; }
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then say "slurm-wlm and munge are not installed (and apt-get as root is not available)"; exit 0; fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge) >/tmp/slurm-up-apt.log 2>&1 || { say "apt-get could not install slurm-wlm and munge (/tmp/slurm-up-apt.log)"; exit 0; }
fi
if sinfo -h >/dev/null 2>&1; then say "a cluster answers already"; exit 0; fi
host=$(hostname -s)
conf=$(slurmd -C | head -1)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
chown munge:munge /run/munge 2>/dev/null || true
[ -f /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=neural
SlurmctldHost=${host}
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SlurmUser=root
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
${conf} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
(su -s /bin/sh munge -c munged 2>/dev/null || munged --force 2>/dev/null) || true
(slurmctld -D >/var/log/slurm/slurmctld.out 2>&1 &)
(slurmd -D >/var/log/slurm/slurmd.out 2>&1 &)
up=0
for i in $(seq 1 30); do
  if sinfo -h -o '%T' 2>/dev/null | grep -q idle; then up=1; break; fi
  sleep 1
done
if [ "$up" != 1 ]; then say "the cluster did not come up in 30 s (see /var/log/slurm/)"; exit 0; fi
# A cluster that answers but cannot run a job would fail the spec for the
# wrong reason: run one, and stop the cluster (the spec then skips) if it does not finish.
marker=$(mktemp)
rm -f "$marker"
job=$(sbatch --parsable --output=/dev/null --wrap="touch '$marker'" 2>/dev/null | cut -d';' -f1)
for i in $(seq 1 30); do
  if [ -e "$marker" ]; then rm -f "$marker"; say "cluster up and running jobs ($(sinfo -h -o '%N %T'))"; exit 0; fi
  sleep 1
done
say "the cluster does not run jobs (job ${job:-none} did not finish in 30 s); stopping it (see /var/log/slurm/)"
scancel "${job:-0}" 2>/dev/null || true
pkill -x slurmd 2>/dev/null || true
pkill -x slurmctld 2>/dev/null || true
exit 0
