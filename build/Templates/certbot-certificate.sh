set -eu
# The site's certificate from the ACME CA: requested only when missing, expiring within 30 days, or
# for other names (Let's Encrypt allows 5 duplicate certificates a week); else left as it is.
{{ State }}
if [ -z "$reason" ]; then
  describe
  echo ok
  exit 0
fi
{{ CaBundleExport }}
# --deploy-hook: certonly runs no hook of renewal-hooks/ itself; the hook hands the new certificate to the server (nginx or HAProxy) after checking its configuration.
if ! errors=$(certbot certonly --non-interactive --agree-tos --force-renewal {{ Authenticator }} --cert-name {{ CertificateName }} --deploy-hook {{ DeployHook }} \
    --server {{ Server }} {{ EmailArgs }} {{ DomainArgs }} 2>&1); then
  printf 'certbot could not get a certificate (%s):\n%s\n' "$reason" "$(printf '%s\n' "$errors" | grep -v '^Saving debug log' | tail -n 12)" >&2
  exit 3
fi
read_certificate
describe
echo changed
