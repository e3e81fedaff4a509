#!/bin/sh
# nats-server reads $NATS_PASSWORD / $NATS_SYS_PASSWORD from its environment when it loads
# accounts.conf; the app password arrives as a Docker secret file, so read it here.
set -eu
if [ -n "${NATS_PASSWORD_FILE:-}" ]; then
  NATS_PASSWORD=$(cat "$NATS_PASSWORD_FILE")
  export NATS_PASSWORD
fi
: "${NATS_PASSWORD:?NATS_PASSWORD or NATS_PASSWORD_FILE must be set}"
: "${NATS_SYS_PASSWORD:?NATS_SYS_PASSWORD must be set}"
exec nats-server -c /etc/nats/cluster.conf "$@"
