#!/usr/bin/env bash
# fuzz.sh BUDGET - build each libFuzzer driver in tests/fuzz/ (clang, ASan+UBSan) and run them all
# within BUDGET seconds in total (shared equally, at least 10 s each, so adding drivers does not
# grow CI without bound), each on a fresh copy of its seed corpus tests/fuzz/corpus/<driver>/,
# with a fixed seed (FUZZ_SEED, default 1) so that a run can be repeated exactly; FUZZ_SEED=0
# picks a random one for exploring. Fails on the first crash.
set -euo pipefail
budget=${1:-140}
drivers=$(ls tests/fuzz/fuzz_*.c 2>/dev/null | wc -l)
[ "$drivers" -gt 0 ] || { echo "fuzz: no drivers in tests/fuzz"; exit 1; }
secs=$((budget / drivers))
[ "$secs" -ge 10 ] || secs=10
cd "$(dirname "$0")/.."
out=build/fuzz
mkdir -p "$out/obj"
pkgs="libmicrohttpd libcurl libcjson sqlite3 expat libsodium"
cflags="-std=c11 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer-no-link,address,undefined $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lmbedcrypto -lpthread -lm"
objs=""
for src in $(find bot webhook handlers -name '*.c' | grep -v '^bot/app/main.c$' | sort); do
    o="$out/obj/$(echo "$src" | tr / _).o"
    if [ ! -f "$o" ] || [ "$src" -nt "$o" ]; then
        clang $cflags -c -o "$o" "$src"
    fi
    objs="$objs $o"
done
echo "fuzz: $drivers drivers, ${secs}s each (budget ${budget}s)"
for drv in tests/fuzz/fuzz_*.c; do
    name=$(basename "$drv" .c)
    clang $cflags -fsanitize=fuzzer -o "$out/$name" "$drv" $objs $libs
    work="$out/corpus-$name"
    rm -rf "$work" # every run starts from the seed corpus: with a fixed seed, runs repeat
    mkdir -p "$work"
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
    echo "== $name for ${secs}s"
    "$out/$name" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -print_final_stats=1 \
        -artifact_prefix="$out/$name-" "$work" 2>&1 | tail -n 12
done
echo "fuzz: all $drivers drivers ran ${secs}s each without a crash"
