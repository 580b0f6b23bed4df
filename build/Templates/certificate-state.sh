# The site's certificate as the host holds it, read by one openssl call: read_certificate sets $names
# (sorted), $not_after, $serial; $reason says why it must be requested (empty: it need not be).
# Part of certbot-certificate.sh and of the release listing read under the deploy lock.
chain={{ Chain }}
wanted={{ Names }}
read_certificate() {
  info=$(openssl x509 -in "$chain" -noout -enddate -serial -ext subjectAltName -checkend {{ RenewBeforeSeconds }} 2>/dev/null || true)
  not_after= serial= dns=
  # Read by the shell itself: every process costs time under the lock.
  while IFS= read -r line; do
    case $line in
      notAfter=*) not_after=${line#notAfter=} ;;
      serial=*) serial=${line#serial=} ;;
      *DNS:*) dns="$dns,$line" ;;
    esac
  done <<INFO
$info
INFO
  names=$(printf '%s\n' "$dns" | tr ',' '\n' | sed -n 's/^ *DNS://p' | sort | paste -sd ' ' -)
}
describe() {
  printf 'certificate\t%s\t%s\t%s\n' "$names" "$not_after" "$serial"
}
reason=
if [ ! -f "$chain" ]; then
  reason="no certificate yet"
else
  read_certificate
  if [ "$names" != "$wanted" ]; then
    reason="its names changed (it has: $names)"
  elif ! printf '%s\n' "$info" | grep -qx 'Certificate will not expire'; then
    reason="it expires within 30 days"
  fi
fi
