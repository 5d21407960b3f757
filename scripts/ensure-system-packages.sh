#!/usr/bin/env bash
# Installs the Debian packages the emulator and the CLI tests need, or stops with the exact command to run.
set -euo pipefail

packages=(mariadb-server mariadb-client libmariadbd-dev libssl-dev gcc g++ openssl awscli faketime)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Run as root, then run the tests again:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi
echo "Installing missing Debian packages: ${missing[*]}" >&2
# mariadb-server's postinst must not start a system-wide server: the tests start their own.
export DEBIAN_FRONTEND=noninteractive
sh -c "$cmd" >&2
