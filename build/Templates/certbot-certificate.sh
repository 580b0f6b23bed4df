set -eu
# The site's certificate from the ACME CA: requested only when missing, expiring within 30 days, or
# for other names (Let's Encrypt allows 5 duplicate certificates a week); else left as it is.
chain={{ Chain }}
wanted={{ Names }}
names_of() {
  openssl x509 -in "$chain" -noout -ext subjectAltName 2>/dev/null | tr ',' '\n' | sed -n 's/^ *DNS://p' | sort | tr '\n' ' ' | sed 's/ $//'
}
describe() {
  printf 'certificate\t%s\t%s\t%s\n' "$(names_of)" "$(openssl x509 -in "$chain" -noout -enddate | cut -d= -f2)" "$(openssl x509 -in "$chain" -noout -serial | cut -d= -f2)"
}
reason=
if [ ! -f "$chain" ]; then
  reason="no certificate yet"
elif [ "$(names_of)" != "$wanted" ]; then
  reason="its names changed (it has: $(names_of))"
elif ! openssl x509 -in "$chain" -noout -checkend {{ RenewBeforeSeconds }} >/dev/null; then
  reason="it expires within 30 days"
fi
if [ -z "$reason" ]; then
  describe
  echo ok
  exit 0
fi
{{ CaBundleExport }}
# --deploy-hook: certonly runs no hook of renewal-hooks/ itself; the hook reloads nginx (after nginx -t) for the new certificate.
if ! errors=$(certbot certonly --non-interactive --agree-tos --force-renewal --webroot -w {{ ChallengeRoot }} --cert-name {{ CertificateName }} --deploy-hook {{ DeployHook }} \
    --server {{ Server }} {{ EmailArgs }} {{ DomainArgs }} 2>&1); then
  printf 'certbot could not get a certificate (%s):\n%s\n' "$reason" "$(printf '%s\n' "$errors" | grep -v '^Saving debug log' | tail -n 12)" >&2
  exit 3
fi
describe
echo changed
