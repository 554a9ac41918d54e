#!/usr/bin/env bash
# Keep one service running: restart it with backoff when it exits, and say so.
#   scripts/supervise.sh NAME LOGFILE COMMAND...
# The delay doubles from 1 s up to 60 s and resets after a minute of uptime.
# SIGTERM or SIGINT stops the service and this loop. A clinic server uses
# systemd instead (docs/DEPLOYMENT.md); this is the same policy for `make run`.
set -uo pipefail
name=$1 log=$2
shift 2
min_delay=${SUPERVISE_MIN_DELAY:-1} max_delay=${SUPERVISE_MAX_DELAY:-60}
healthy_after=${SUPERVISE_HEALTHY_AFTER:-60}
delay=$min_delay child=""

stop() {
  trap - TERM INT
  [[ -n $child ]] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
  exit 0
}
trap stop TERM INT

report() { echo "$(date -u +%FT%TZ) supervise: $name $*" | tee -a "$log"; }

while true; do
  started=$SECONDS
  "$@" >>"$log" 2>&1 &
  child=$!
  wait "$child"
  status=$?
  child=""
  ((SECONDS - started >= healthy_after)) && delay=$min_delay
  report "exited with status $status after $((SECONDS - started))s; restarting in ${delay}s"
  sleep "$delay" &
  wait $!
  delay=$((delay * 2 > max_delay ? max_delay : delay * 2))
done
