#!/usr/bin/env bash
# Lint systemd/mixd.service: `systemd-analyze verify` plus an offline security score (must be <= 2.0).
# Needs only the systemd-analyze binary: no running systemd, no root, and no "mixd" user
# (neither verify nor --offline security resolves User=/Group=).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

unit=systemd/mixd.service
threshold=20 # internal 0-100 scale: 20 means an exposure of 2.0

if ! command -v systemd-analyze >/dev/null; then
  echo "check-systemd: systemd-analyze not found (install the systemd package)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart's binary exists. Node images put node in /usr/local/bin, so verify a
# copy pointing at the local node there: the unit itself stays correct for the Debian package.
verify_unit=$unit
if [[ ! -x /usr/bin/node ]] && node_bin=$(command -v node); then
  echo "check-systemd: note: /usr/bin/node missing, verifying with ExecStart=$node_bin"
  verify_unit=$tmp/mixd.service
  sed "s#^ExecStart=/usr/bin/node #ExecStart=$node_bin #" "$unit" >"$verify_unit"
fi

# verify exits 0 on mere warnings (e.g. "Unknown key"), so any message about our unit also fails.
status=0
systemd-analyze verify "$verify_unit" >"$tmp/verify.log" 2>&1 || status=$?
cat "$tmp/verify.log"
if ((status != 0)) || grep -q 'mixd\.service' "$tmp/verify.log"; then
  echo "check-systemd: FAIL: systemd-analyze verify (exit $status)" >&2
  exit 1
fi
echo "check-systemd: verify OK"

status=0
systemd-analyze security --no-pager --offline=yes --threshold="$threshold" "$unit" >"$tmp/security.log" 2>&1 ||
  status=$?
score=$(grep -o 'Overall exposure level for [^:]*: .*' "$tmp/security.log" || true)
if ((status != 0)); then
  cat "$tmp/security.log"
  echo "check-systemd: FAIL: security exposure above $((threshold / 10)).$((threshold % 10)) (exit $status): ${score:-no score}" >&2
  exit 1
fi
echo "check-systemd: security OK: ${score:-score not found in output}"
