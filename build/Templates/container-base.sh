# Installs the site's Debian packages over the sandbox's Debian tree, run by systemd-nspawn in an
# overlay of it (services kept from starting by policy-rc.d, which stays in the image). Rendered by
# coralnet-deploy from build/Templates/container-base.sh. apt uses the tree's own sources (those of
# this machine).
set -eu
apt-get update -q
apt-get install -y -q --no-install-recommends {{ Packages }}
apt-get clean
rm -rf /var/lib/apt/lists/*
: > /etc/resolv.conf
