#!/bin/sh
# nats-server includes files relative to its config only, and the users config is a Docker
# secret (it holds passwords): assemble config, accounts and users in one private folder.
set -eu
: "${NATS_AUTH_FILE:?NATS_AUTH_FILE must name the users config (secret nats_auth_conf)}"
: "${NATS_SYS_PASSWORD:?NATS_SYS_PASSWORD must be set}"
conf=$(mktemp -d)
cp /etc/nats/cluster.conf /etc/nats/accounts.conf "$conf/"
cp "$NATS_AUTH_FILE" "$conf/auth.conf"
chmod 600 "$conf/auth.conf"
exec nats-server -c "$conf/cluster.conf" "$@"
