#!/usr/bin/env bash
# down.sh — stop the broker started by up.sh (then its ZooKeeper, if any): SIGTERM (a clean, controlled shutdown), then
# SIGKILL after a grace period; also stops a leftover broker running this checkout's config
# whose pid file was lost. Safe to run when nothing is running. Keeps run/ for post-mortems
# (logs in testdata/kafka/run/logs) except the env file, so tests skip instead of failing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GRACE=${KAFKA_STOP_TIMEOUT:-60}

# stop_pid stops one broker process: TERM, wait up to $GRACE seconds, then KILL.
stop_pid() {
	local pid=$1 deadline=$((SECONDS + GRACE))
	kill -TERM "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null; do
		if ((SECONDS >= deadline)); then
			log "broker pid $pid still running after ${GRACE}s: killing it"
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.5
	done
	# Reap only when it is our child (never, from a fresh shell); otherwise wait until it is gone.
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	log "stopped pid $pid"
}

pids=()
if pid=$(broker_pid); then pids+=("$pid"); fi
for pid in $(leftover_pids); do
	[[ " ${pids[*]} " == *" $pid "* ]] || pids+=("$pid")
done
if ((${#pids[@]} == 0)); then
	log "no broker running"
fi
for pid in "${pids[@]}"; do
	stop_pid "$pid"
done
# ZooKeeper (a ZooKeeper-mode broker) last: the broker needs it for a clean shutdown.
zks=()
if [[ -f $ZK_PIDFILE ]] && zk=$(<"$ZK_PIDFILE") && [[ $zk =~ ^[0-9]+$ ]] && kill -0 "$zk" 2>/dev/null; then zks+=("$zk"); fi
for pid in $(leftover_pids org.apache.zookeeper.server.ZooKeeperServerMain "$KAFKA_RUN/zoo.cfg"); do
	[[ " ${zks[*]} " == *" $pid "* ]] || zks+=("$pid")
done
for pid in "${zks[@]}"; do
	stop_pid "$pid"
done
if [[ -f $KDC_PIDFILE ]] && kdc=$(<"$KDC_PIDFILE") && [[ $kdc =~ ^[0-9]+$ ]] && kill -0 "$kdc" 2>/dev/null; then
	kill -TERM "$kdc" 2>/dev/null || true
	log "stopped the KDC, pid $kdc"
fi
rm -f "$KAFKA_PIDFILE" "$KDC_PIDFILE" "$ZK_PIDFILE" "$KAFKA_RUN/env"
