#!/bin/sh
# {{ SiteName }}: written by coralnet-deploy; certbot runs it after renewing a certificate (not on --dry-run).
# nginx takes the new certificate up only when its whole configuration passes nginx -t.
set -eu
if ! errors=$(nginx -t 2>&1); then
  echo "nginx -t refused the configuration; nginx keeps serving the previous certificate until it is fixed: $errors" >&2
  exit 1
fi
systemctl reload nginx
logger -t coralnet-deploy "certificate ${RENEWED_LINEAGE:-} renewed: nginx -t passed, nginx reloaded"
