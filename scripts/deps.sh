#!/bin/sh
# deps.sh SET - make sure the Debian packages that SET (build, test, fuzz, bench, lint) needs are
# installed. As root it installs what is missing with apt-get; otherwise it prints the exact
# apt-get line and fails, so `make run` never half-builds.
set -eu

build="gcc make pkg-config libmicrohttpd-dev libcurl4-openssl-dev libmbedtls-dev libcjson-dev
       libsqlite3-dev libexpat1-dev libsodium-dev tzdata"
case "${1:-build}" in
build) want="$build" ;;
test) want="$build libcmocka-dev sqlite3 curl" ;;
fuzz) want="$build clang libclang-rt-14-dev" ;;
bench) want="$build wrk sqlite3" ;;
lint) want="clang-format git" ;;
*) echo "usage: $0 build|test|fuzz|bench|lint" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "deps: missing packages. Run as root, then try again:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
