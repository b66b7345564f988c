#!/bin/sh
# deps-check.sh - the dependency rule of DESIGN.md, checked over the include graph.
#
# Floors of bot/, lowest first: base, store, org, chat, delivery, api. A file may include its own
# floor and the floors below it (delivery may use chat's types, never the reverse). handlers/ sit
# on top of bot/ (never bot/app, never webhook/); one capability reaches another only through its
# domain header handlers/<cap>/<cap>.h. webhook/ may include bot/ below app and webhook/, never
# handlers/. Only bot/app (the composition root) and handlers/registry.c see everything they
# compose. sqlite3.h is included only by bot/store/ and by the .c files of modules that own
# tables: bot/{org,chat,delivery}/*.c and a capability's domain file handlers/<cap>/<cap>.c.
#
# Known exception, to be removed when each adapter takes its own config section: webhook/ reads
# bot/app/config.h (struct config).
set -u
cd "$(dirname "$0")/.."
files=$(git ls-files 'bot/*.[ch]' 'handlers/*.[ch]' 'webhook/*.[ch]' 2>/dev/null ||
    find bot handlers webhook -name '*.[ch]')
out=$(mktemp)
trap 'rm -f "$out"' EXIT

floor() { # floor DIR - the rank of a bot/ folder, 99 for anything else
    case "$1" in
    bot/base) echo 0 ;; bot/store) echo 1 ;; bot/org) echo 2 ;; bot/chat) echo 3 ;;
    bot/delivery) echo 4 ;; bot/api) echo 5 ;; bot/app) echo 9 ;; *) echo 99 ;;
    esac
}

bad() {
    echo "$1: includes $2 ($3)"
}

for f in $files; do
    dir=$(dirname "$f")
    top=$(echo "$f" | cut -d/ -f1)
    grep -o '^#include [<"][^>"]*[>"]' "$f" | sed 's/^#include [<"]//; s/[>"]$//' | while read -r inc; do
        if [ "$inc" = sqlite3.h ]; then
            case "$f" in
            bot/store/*) ;;
            bot/org/*.c | bot/chat/*.c | bot/delivery/*.c) ;;
            handlers/*/*.c)
                cap=$(echo "$f" | cut -d/ -f2)
                [ "$(basename "$f")" = "$cap.c" ] || bad "$f" "$inc" "SQL belongs in the capability's domain file"
                ;;
            *) bad "$f" "$inc" "only bot/store and table-owning modules include sqlite3.h" ;;
            esac
            continue
        fi
        case "$inc" in bot/* | handlers/* | webhook/* | tests/*) ;; *) continue ;; esac
        idir=$(dirname "$inc")
        case "$top" in
        bot)
            [ "$dir" = bot/app ] && continue
            case "$inc" in
            handlers/* | webhook/*) bad "$f" "$inc" "bot/ never includes handlers/ or webhook/" ;;
            bot/*)
                [ "$(floor "$idir")" -le "$(floor "$dir")" ] ||
                    bad "$f" "$inc" "a lower floor of bot/ includes a higher one"
                ;;
            esac
            ;;
        handlers)
            case "$inc" in
            bot/app/*) bad "$f" "$inc" "handlers never include bot/app" ;;
            webhook/*) bad "$f" "$inc" "handlers never include webhook/" ;;
            handlers/*)
                [ "$f" = handlers/registry.c ] && continue
                [ "$idir" = "$dir" ] && continue
                cap=$(echo "$inc" | cut -d/ -f2)
                [ "$inc" = "handlers/$cap/$cap.h" ] ||
                    bad "$f" "$inc" "another capability is reached only through its domain header"
                ;;
            esac
            ;;
        webhook)
            case "$inc" in
            handlers/*) bad "$f" "$inc" "webhook/ never includes handlers/" ;;
            bot/app/config.h) ;;
            bot/app/*) bad "$f" "$inc" "webhook/ never includes bot/app" ;;
            esac
            ;;
        esac
    done
done >"$out"
if [ -s "$out" ]; then
    cat "$out"
    echo "lint: the dependency rule of DESIGN.md is crossed (see scripts/deps-check.sh)"
    exit 1
fi
exit 0
