#!/bin/sh
# lint.sh - style is kept by machines: clang-format must have nothing to change, and the banned
# functions never appear in our C. memcmp is banned too: compare secrets with ct.h, other bytes
# with an explicit loop or strcmp; a line may opt out with the comment "lint: not secret".
set -u
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find bot webhook handlers tests -name '*.[ch]')
status=0

if ! clang-format --dry-run --Werror $files 2>/tmp/zhibu-lint-format.txt; then
    head -40 /tmp/zhibu-lint-format.txt
    echo "lint: clang-format would change the files above (run clang-format -i)"
    status=1
fi

banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|gets|strncat)[[:space:]]*\('
if grep -nE "$banned" $files; then
    echo "lint: banned function used (see STYLE.md)"
    status=1
fi
if grep -nE '\bmemcmp[[:space:]]*\(' $files | grep -v 'lint: not secret'; then
    echo "lint: memcmp used; compare secrets with ct_memeq/ct_streq"
    status=1
fi
scripts/deps-check.sh || status=1
[ $status = 0 ] && echo "lint: ok"
exit $status
