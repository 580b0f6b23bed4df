#!/bin/sh
# {{ SiteName }}: written by coralnet-deploy; certbot runs it after issuing or renewing a certificate (not on --dry-run).
# HAProxy reads the site's chain and key from one file, root's only; it takes a new one up only when its
# whole configuration passes haproxy -c with it, else the previous file is put back.
set -eu
lineage={{ Lineage }}
# certbot runs the hooks of renewal-hooks/deploy/ for every certificate of the host: only the site's concerns HAProxy.
if [ "${RENEWED_LINEAGE:-$lineage}" != "$lineage" ]; then
  exit 0
fi
pem={{ Pem }}
umask 077
mkdir -p "$(dirname "$pem")"
cat "$lineage/fullchain.pem" "$lineage/privkey.pem" > "$pem.new"
if [ -f "$pem" ]; then
  cp -p "$pem" "$pem.old"
fi
mv -f "$pem.new" "$pem"
if ! errors=$(haproxy -c -q -f {{ Config }} 2>&1); then
  if [ -f "$pem.old" ]; then mv -f "$pem.old" "$pem"; else rm -f "$pem"; fi
  echo "haproxy -c refused the configuration with the new certificate; HAProxy keeps serving the previous one until it is fixed: $errors" >&2
  exit 1
fi
rm -f "$pem.old"
systemctl reload haproxy
logger -t coralnet-deploy "certificate $lineage renewed: haproxy -c passed, HAProxy reloaded"
