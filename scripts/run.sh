#!/usr/bin/env bash
# Start every Afterglow service on 127.0.0.1 with the embedded defaults.
# Called by `make run` after the venv is installed and the model trained.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3 SANIC_HOST=127.0.0.1
RASA_PORT=${RASA_PORT:-5005} ACTIONS_PORT=${ACTIONS_PORT:-5055} PORTAL_PORT=${PORTAL_PORT:-8000}
# Health data: nothing under var/ is readable by other accounts, whatever the
# caller's umask (the Python side also sets 0600 on every database it opens).
umask 077
mkdir -p var/log
chmod 700 var var/log
find var -type f -exec chmod 600 {} +
# The shared secret Rasa sends to the action server; a fresh one per start.
AFTERGLOW_ACTION_TOKEN=${AFTERGLOW_ACTION_TOKEN:-$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
export AFTERGLOW_ACTION_TOKEN

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "Stopping Afterglow..."
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop_all INT TERM EXIT

start() {  # name, command...: supervised, restarted with backoff if it stops
  local name=$1; shift
  setsid scripts/supervise.sh "$name" "var/log/$name.log" "$@" &
  pids+=($!)
}

wait_for() {  # name, url, seconds
  local deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null "$2" 2>/dev/null; do
    if ((SECONDS > deadline)); then echo "$1 did not start; see var/log/$1.log"; exit 1; fi
    sleep 1
  done
}

$BIN/python -m bot check-config
$BIN/python -m bot admin seed-demo > var/log/seed.log
start actions $BIN/python -m bot actions --host 127.0.0.1 --port "$ACTIONS_PORT"
start rasa $BIN/rasa run --model models/afterglow.tar.gz -i 127.0.0.1 --port "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml
start worker $BIN/python -m bot worker
start portal $BIN/python -m bot portal --host 127.0.0.1 --port "$PORTAL_PORT"
echo "Starting Afterglow (the first start takes about a minute)..."
wait_for actions "http://127.0.0.1:$ACTIONS_PORT/health" 180
wait_for rasa "http://127.0.0.1:$RASA_PORT/" 300
wait_for portal "http://127.0.0.1:$PORTAL_PORT/login" 120
demo_patient=$(awk '/Alex Demo/ {print $1; exit}' var/log/seed.log)
invite=$($BIN/python -m bot invite create --patient "${demo_patient:-1}" --base-url "http://127.0.0.1:$RASA_PORT" 2>/dev/null | tail -n 1 || true)

cat <<MSG

Afterglow is running (Ctrl-C stops everything; logs in var/log/).
A service that stops is restarted with backoff; restarts are reported here.

  Therapist portal   http://127.0.0.1:$PORTAL_PORT
$(sed 's/^/  /' var/log/seed.log)
  Patient web chat   ${invite:-"python -m bot invite create --patient ID"}
                     (invite link for Alex Demo, valid 7 days)
  REST channel       http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook  (dev only)
                     curl -s -XPOST -d '{"sender":"me","message":"hi"}' http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook
  Action server      http://127.0.0.1:$ACTIONS_PORT/health
MSG
wait
