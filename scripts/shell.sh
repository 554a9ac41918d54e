#!/usr/bin/env bash
# Talk to the bot in the terminal: an action server plus `rasa shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3 SANIC_HOST=127.0.0.1
umask 077
mkdir -p var/log
AFTERGLOW_ACTION_TOKEN=${AFTERGLOW_ACTION_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
export AFTERGLOW_ACTION_TOKEN
setsid .venv/bin/python -m bot actions --port 5055 >var/log/actions-shell.log 2>&1 &
actions=$!
trap 'kill -TERM -- -$actions 2>/dev/null || true' EXIT
.venv/bin/rasa shell --model models/afterglow.tar.gz --endpoints endpoints.yml
