#!/bin/sh
# Install the Debian packages the build, the demo and the tests need; do
# nothing when every one is there. Runs apt-get (with sudo when not root).
set -e
PKGS="build-essential pkg-config libcsv-dev libsqlite3-dev sqlite3 libgsl-dev
libcairo2-dev libpango1.0-dev libglib2.0-dev libsodium-dev libssl-dev clang
libclang-rt-14-dev fonts-noto-core fonts-dejavu-core qpdf poppler-utils time
python3"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
