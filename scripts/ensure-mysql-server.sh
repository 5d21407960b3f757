#!/usr/bin/env bash
# Makes Oracle MySQL runnable for the emulator without installing it: Debian's archive carries mysql-server-core
# only in sid, built against a newer C library than this machine's, so the server and every library it needs
# (libc6 and its dynamic loader included) are downloaded from sid with a PRIVATE apt configuration (its own
# sources list, lists, cache and an empty dpkg status; the system's apt sources and dpkg database are untouched),
# unpacked with `dpkg -x` into a per-version cache folder, and mysqld is started through the unpacked loader.
# The server plugin headers (only in mysql-source, a ~430 MB tarball) are cut down to the ones a plugin build reads.
#
# Usage: scripts/ensure-mysql-server.sh [--refresh]
#   Prints the server folder on stdout (its VERSION file names the version); progress and errors go to stderr.
#   Cached: a complete folder is reused without network access; --refresh looks for a newer sid version.
# Cache: $RDS_IAM_EMULATOR_CACHE_DIR/mysql-server when set, else ${XDG_CACHE_HOME:-~/.cache}/rds-iam/mysql-server.
set -euo pipefail

suite=sid
packages=(mysql-server-core)
header_package=mysql-source
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
archive=http://deb.debian.org/debian

cache_root="${RDS_IAM_EMULATOR_CACHE_DIR:+$RDS_IAM_EMULATOR_CACHE_DIR/mysql-server}"
cache_root="${cache_root:-${XDG_CACHE_HOME:-$HOME/.cache}/rds-iam/mysql-server}"
# The folder printed is the real one, not a path through a symbolic link that may go away.
[ -d "$cache_root" ] && cache_root="$(cd "$cache_root" && pwd -P)"
retry_command="bash $(cd "$(dirname "$0")" && pwd)/ensure-mysql-server.sh"
refresh=false
[ "${1:-}" = "--refresh" ] && refresh=true

say() { echo "ensure-mysql-server: $*" >&2; }
fail() {
  say "ERROR: $*"
  say "Nothing was installed system-wide. Fix the cause above, then retry with:"
  say "  $retry_command"
  exit 1
}

# The newest complete version in the cache, if any.
newest_cached() {
  local dir best=""
  for dir in "$cache_root"/*/; do
    [ -f "${dir}COMPLETE" ] || continue
    best="$(printf '%s\n%s\n' "$best" "$(basename "$dir")" | sed '/^$/d' | sort -V | tail -n 1)"
  done
  [ -n "$best" ] && echo "$cache_root/$best"
}

report() {
  say "using MySQL $(cat "$1/VERSION") from $1${2:+ ($2)}"
  echo "$1"
}

if ! $refresh && cached="$(newest_cached)"; then
  report "$cached" cached
  exit 0
fi

[ "$(uname -m)" = x86_64 ] || fail "the unpacked MySQL server is x86_64 only (this machine is $(uname -m))"
for tool in apt-get apt-cache dpkg-deb tar gzip flock; do
  command -v "$tool" >/dev/null || fail "'$tool' is missing: this script needs Debian's apt, dpkg and tar"
done
[ -r "$keyring" ] || fail "$keyring is missing: apt-get install debian-archive-keyring"

mkdir -p "$cache_root" || fail "cannot create the cache folder $cache_root (set RDS_IAM_EMULATOR_CACHE_DIR to a writable folder)"
cache_root="$(cd "$cache_root" && pwd -P)"
# One download at a time per cache (parallel test workers, two terminals): the others wait, then find it cached.
exec 9>"$cache_root/.lock"
flock 9
if ! $refresh && cached="$(newest_cached)"; then
  report "$cached" "cached by another process"
  exit 0
fi

apt_dir="$cache_root/apt"
mkdir -p "$apt_dir"/{lists/partial,archives/partial,sources.list.d,preferences.d,state}
: >"$apt_dir/status"
echo "deb [signed-by=$keyring] $archive $suite main" >"$apt_dir/sources.list"
cat >"$apt_dir/apt.conf" <<EOF
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/sources.list.d";
Dir::Etc::Preferences "$apt_dir/preferences";
Dir::Etc::PreferencesParts "$apt_dir/preferences.d";
Dir::State "$apt_dir/state";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir";
Dir::Cache::archives "$apt_dir/archives";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Debug::NoLocking "true";
EOF
export APT_CONFIG="$apt_dir/apt.conf"

say "reading Debian $suite's package list (private apt configuration in $apt_dir)"
apt-get -q update >&2 || fail "apt-get update of Debian $suite failed (network, proxy, or archive signature)"
version="$(apt-cache show --no-all-versions "${packages[0]}" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)"
[ -n "$version" ] || fail "Debian $suite has no ${packages[0]} package"
target="$cache_root/$version"
if [ -f "$target/COMPLETE" ]; then
  report "$target" "already the newest in $suite"
  exit 0
fi

work="$cache_root/.unpacking-$$"
trap 'rm -rf "$work" "$apt_dir/archives"/*.deb' EXIT
rm -rf "$work"
mkdir -p "$work/server" "$work/headers"

say "downloading ${packages[*]} $version and its libraries from $suite"
apt-get -q -y --download-only install "${packages[@]}" >&2 || fail "downloading ${packages[*]} from Debian $suite failed"
for deb in "$apt_dir/archives"/*.deb; do
  dpkg -x "$deb" "$work/server" || fail "cannot unpack $(basename "$deb")"
done
rm -f "$apt_dir/archives"/*.deb
rm -rf "$work/server/usr/share/doc" "$work/server/usr/share/man"

say "downloading $header_package $version for the server plugin headers (kept: include/, the generated headers, sql/*.h)"
apt-get -q -y --download-only install "$header_package=$version" >&2 || fail "downloading $header_package $version failed"
source_deb="$(ls "$apt_dir/archives/${header_package}_"*.deb)"
# Streamed: the 430 MB tarball is never written out; only the headers a plugin build reads are kept.
dpkg-deb --fsys-tarfile "$source_deb" | tar -xOf - --wildcards '*/mysql-source*.tar.gz' |
  tar -xzf - -C "$work/headers" --wildcards --no-wildcards-match-slash '*/include' '*/builddir/include' '*/sql/*.h' ||
  fail "cannot extract the plugin headers from $header_package"
rm -f "$apt_dir/archives"/*.deb
source_top="$(ls "$work/headers")"
mv "$work/headers/$source_top" "$work/plugin-headers"
rmdir "$work/headers"

loader="$work/server/usr/lib64/ld-linux-x86-64.so.2"
libraries="$work/server/usr/lib/x86_64-linux-gnu:$work/server/usr/lib"
[ -f "$work/plugin-headers/include/mysql/plugin_auth.h" ] || fail "$header_package has no include/mysql/plugin_auth.h"
server_version="$("$loader" --library-path "$libraries" "$work/server/usr/sbin/mysqld" --version | sed 's/^.*mysqld *//')" ||
  fail "the unpacked mysqld does not run through its own loader"
echo "$version" >"$work/VERSION"
echo "$server_version" >"$work/SERVER_VERSION"
touch "$work/COMPLETE"
rm -rf "$target"
mv "$work" "$target"
say "mysqld $server_version"
report "$target" "downloaded"
