#!/bin/sh
# run-tests.sh BUILD - run every unit and end-to-end test binary under BUILD, then print one
# summary line "N passed, N failed" (counting test programs). Fails if any program failed.
set -u
build=${1:?usage: run-tests.sh BUILD}
export ZHIBU_BIN="$PWD/$build/zhibu"
export ZHIBU_FAKES="$PWD/$build/tests/fakes"
export ZHIBU_SRC="$PWD"
pass=0
fail=0
failed=""
for t in $(find "$build/tests/unit" "$build/tests/e2e" -type f -perm -u+x 2>/dev/null | sort); do
    echo "== $t"
    if "$t"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $t"
    fi
done
echo
[ -n "$failed" ] && echo "failed programs:$failed"
echo "$build: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
