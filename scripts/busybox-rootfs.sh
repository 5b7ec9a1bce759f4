#!/bin/sh
# Print to stdout a tar of a minimal root filesystem made from the host's static busybox:
# bin/busybox and one symlink per applet, /etc/passwd and /etc/group (root, nobody), empty
# /etc/hosts, /etc/resolv.conf and /etc/hostname (containers get them bind-mounted), and the
# usual empty directories. Everything belongs to root (numeric 0:0).
#
#   scripts/busybox-rootfs.sh | berth image import --change 'CMD ["sh"]' - busybox:latest
#
# BUSYBOX=/path/to/busybox overrides the binary; it must be statically linked.
set -eu

BUSYBOX="${BUSYBOX:-/bin/busybox}"
if [ ! -x "$BUSYBOX" ]; then
  echo "busybox-rootfs: $BUSYBOX not found (install busybox-static)" >&2
  exit 1
fi
if [ -t 1 ]; then
  echo "busybox-rootfs: refusing to write a tar archive to a terminal; pipe it somewhere" >&2
  exit 1
fi

root="$(mktemp -d "${TMPDIR:-/tmp}/busybox-rootfs.XXXXXX")"
trap 'rm -rf "$root"' EXIT INT TERM

mkdir -p "$root/bin" "$root/usr/bin" "$root/etc" "$root/root" "$root/home" "$root/var" \
  "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
chmod 0755 "$root"
chmod 0700 "$root/root"
chmod 1777 "$root/tmp"

cp "$BUSYBOX" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
# busybox's own shell runs its ln applet without exec'ing a binary: several times faster.
"$BUSYBOX" sh -c '
  cd "$1" || exit 1
  for applet in $("$2" --list); do
    case "$applet" in busybox | */* | "") continue ;; esac
    ln -s busybox "$applet" || exit 1
  done
' sh "$root/bin" "$BUSYBOX"
ln -s ../../bin/busybox "$root/usr/bin/env" # for "#!/usr/bin/env sh" scripts

cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF
: > "$root/etc/hosts"
: > "$root/etc/resolv.conf"
: > "$root/etc/hostname"
chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/hosts" "$root/etc/resolv.conf" "$root/etc/hostname"

tar -C "$root" --numeric-owner --owner=0 --group=0 --sort=name -cf - .
