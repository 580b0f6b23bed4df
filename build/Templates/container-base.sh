# Installs the site's Debian packages into a copy of the sandbox's Debian tree; run in the tree by
# chroot, in a mount namespace of its own. Rendered by coralnet-deploy from
# build/Templates/container-base.sh. apt uses the tree's own sources (those of this machine).
set -eu
mount -t proc proc /proc
# No service starts inside an image.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends {{ Packages }}
apt-get clean
rm -rf /var/lib/apt/lists/*
: > /etc/resolv.conf
umount /proc
