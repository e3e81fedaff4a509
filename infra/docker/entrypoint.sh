#!/bin/sh
# Docker secrets for variables the services read as values: NAME_FILE=/run/secrets/x becomes
# NAME=<contents of x> (trailing newlines dropped), so no secret sits in the compose file
# or the image. JWT_PRIVATE_KEY_FILE is not listed: auth reads that file itself.
set -eu
for name in PGPASSWORD S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY ADMIN_PASSWORD NATS_PASSWORD; do
  eval "file=\${${name}_FILE:-}"
  [ -n "$file" ] || continue
  if [ ! -r "$file" ]; then
    echo "entrypoint: ${name}_FILE=$file is not a readable file" >&2
    exit 1
  fi
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done
exec "$@"
