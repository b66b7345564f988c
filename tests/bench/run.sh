#!/usr/bin/env bash
# run.sh - `make bench`: wrk on loopback against the ceiling server and zhibu, one table.
#
# Builds tests/bench/ceiling.c and tests/bench/gen.c into build/bench/ with the Makefile's flags,
# snapshots build/release/zhibu there (so a rebuild during the run changes nothing), then runs
# each scenario in order, each against a fresh server process on 127.0.0.1 with the same wrk
# settings and tests/bench/pool.lua replaying a pool of distinct signed requests. For every
# scenario it records wrk's req/s, p50, p99 and non-2xx count, the server's peak RSS (VmHWM just
# before it is stopped), and for zhibu the rows in the events table against the requests sent.
# It prints the table with each zhibu row judged against the targets (PASS or MISS; a miss does
# not fail the run) and exits non-zero only when a server failed to start or died.
#
# Adding a scenario: write a function scenario_NAME that prepares a pool, starts the server with
# start_server, and calls measure (see scenario_wechat_plain), then add NAME to SCENARIOS.
#
# Environment (defaults in brackets):
#   BENCH_THREADS [2]  BENCH_CONNECTIONS [50]  BENCH_DURATION [10] seconds
#   BENCH_POOL [20000 per second of duration] requests per pool
#   BENCH_PORT [18480] first port tried
#   BENCH_SCENARIOS [ceiling wechat_plain chat_mix wechat_aes onebot_group qqbot delivery tasks]
#   BENCH_CHAT_MEMBERS [500] bound members sending the chat_mix pool
#   BENCH_BROADCAST [10000] members of the delivery and tasks broadcasts
#   BENCH_KEEP [0] 1 keeps the temporary directory (configs, databases, logs, pools)
set -euo pipefail
cd "$(dirname "$0")/../.."

THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
DURATION=${BENCH_DURATION:-10}
POOL=${BENCH_POOL:-$((DURATION * 20000))}
PORT=${BENCH_PORT:-18480}
SCENARIOS=${BENCH_SCENARIOS:-ceiling wechat_plain chat_mix wechat_aes onebot_group qqbot delivery tasks}
CHAT_MEMBERS=${BENCH_CHAT_MEMBERS:-500}
WRK_TIMEOUT=2s # a request slower than this counts as a wrk timeout

# Targets from the issue.
TARGET_P99_MS=10
TARGET_RSS_MIB=40

# Bench-only credentials; never a real account's.
TOKEN=zhibu-bench-token
APP_ID=wx00000000bench000
AES_KEY=zHiBuBenchKey0123456789abcdefghijklmnopqrst

OUT=build/bench
TMP=
SERVER_PID=
FAILED=0

for v in THREADS CONNECTIONS DURATION POOL PORT CHAT_MEMBERS; do
    case ${!v} in
    '' | *[!0-9]*) echo "bench: BENCH_$v must be a whole number" >&2; exit 2 ;;
    esac
done
[ "$CONNECTIONS" -ge "$THREADS" ] || { echo "bench: fewer connections than threads" >&2; exit 2; }

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$TMP" ] && [ "${BENCH_KEEP:-0}" != 1 ]; then
        rm -rf "$TMP"
    elif [ -n "$TMP" ]; then
        echo "bench: kept $TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ----------------------------------------------------------------------------------

make_var() {
    make -s --no-print-directory --eval="bench-print-var: ; @echo \$($1)" bench-print-var
}

build() {
    local cflags libs
    cflags=$(make_var CFLAGS_ALL)
    libs=$(make_var PKG_LIBS)
    mkdir -p "$OUT"
    # shellcheck disable=SC2086
    cc $cflags -o "$OUT/ceiling" tests/bench/ceiling.c $libs
    # shellcheck disable=SC2086
    cc $cflags -o "$OUT/gen" tests/bench/gen.c build/release/libzhibu.a $libs
    # shellcheck disable=SC2086
    cc $cflags -o "$OUT/gen_qq" tests/bench/gen_qq.c build/release/libzhibu.a $libs
    cp build/release/zhibu "$OUT/server"
}

# ---- servers --------------------------------------------------------------------------------

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# next_port - set PORT to the first port from PORT up that nothing answers on.
next_port() {
    local tries=0
    while port_open "$PORT"; do
        PORT=$((PORT + 1))
        tries=$((tries + 1))
        [ $tries -lt 100 ] || { echo "bench: no free port near $PORT" >&2; exit 1; }
    done
}

# start_server NAME CMD... - run CMD (which must listen on $PORT) with its output in
# $TMP/NAME.log; return 1 (after showing the log) if it is not listening within 10 s.
start_server() {
    local name=$1
    shift
    "$@" >"$TMP/$name.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 100); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            break
        fi
        if port_open "$PORT"; then
            return 0
        fi
        sleep 0.1
    done
    echo "bench: $name did not start on 127.0.0.1:$PORT; its log:" >&2
    tail -20 "$TMP/$name.log" >&2
    stop_server
    return 1
}

# stop_server - SIGTERM, then SIGKILL after 10 s; sets SERVER_EXIT.
stop_server() {
    local i
    SERVER_EXIT=0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for i in $(seq 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || SERVER_EXIT=$?
    SERVER_PID=
}

# peak_rss_mib - VmHWM of the running server, in MiB with one decimal.
# cpu_ticks - user+system CPU time of the server so far, in clock ticks.
cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0
}

peak_rss_mib() {
    awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?"
}

# http_get PATH - the body of GET PATH from the server on $PORT (HTTP/1.0, closes after).
http_get() {
    local line
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
    while IFS= read -r -t 5 line <&3; do
        [ "${line%$'\r'}" = "" ] && break
    done
    cat <&3
    exec 3<&-
}

# ---- measuring ------------------------------------------------------------------------------

# Results, one entry per measured scenario, in order.
R_NAME=() R_RPS=() R_P50=() R_P99=() R_NON2XX=() R_RSS=() R_SHARE=() R_VERDICT=()
CEILING_RPS=
NOTES=()

field() { # field NAME LINE - the value of NAME=... in a BENCH line
    local v
    v=$(printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p")
    echo "${v:-0}"
}

# start_side LABEL POOL_FILE THREADS CONNECTIONS - a second wrk (the side load) replaying
# POOL_FILE against the server on $PORT for DURATION, in the background; the next measure waits
# for it before stopping the server and counts its requests in the events check. Sets SIDE_PID
# and SIDE_OUT (its output, with the BENCH line).
start_side() {
    local label=$1 pool=$2 t=$3 c=$4
    mkdir "$TMP/ready.$label"
    SIDE_OUT="$TMP/wrk.$label.txt"
    echo "bench: $label: wrk -t$t -c$c -d${DURATION}s on 127.0.0.1:$PORT (beside the next load)"
    timeout $((DURATION + 300)) wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" \
        -s tests/bench/pool.lua "http://127.0.0.1:$PORT/" -- "$pool" "$t" "$TMP/ready.$label" \
        >"$SIDE_OUT" 2>&1 &
    SIDE_PID=$!
}
SIDE_PID=
SIDE_OUT=
SIDE_LINE=

# measure LABEL POOL_FILE TARGET_SHARE_PERCENT DATABASE [ENDPOINT] - run wrk against the server
# on $PORT (beside the side load if start_side started one: SIDE_LINE receives its BENCH line,
# empty when it failed), stop the server, record a row. TARGET_SHARE_PERCENT and DATABASE are
# "-" for the ceiling. ENDPOINT is the /metrics endpoint and platform label (default wechat).
measure() {
    local label=$1 pool=$2 target_share=$3 db=$4 endpoint=${5:-wechat}
    local ready="$TMP/ready.$label" out="$TMP/wrk.$label.txt" line status=0
    mkdir "$ready"
    echo "bench: $label: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on 127.0.0.1:$PORT"
    timeout $((DURATION + 300)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
        --timeout "$WRK_TIMEOUT" -s tests/bench/pool.lua "http://127.0.0.1:$PORT/" \
        -- "$pool" "$THREADS" "$ready" >"$out" 2>&1 || status=$?
    line=$(grep '^BENCH ' "$out" || true)
    SIDE_LINE=
    if [ -n "$SIDE_PID" ]; then
        local side_status=0
        wait "$SIDE_PID" || side_status=$?
        SIDE_PID=
        SIDE_LINE=$(grep '^BENCH ' "$SIDE_OUT" || true)
        if [ -z "$SIDE_LINE" ] || [ $side_status != 0 ]; then
            echo "bench: $label: the side wrk failed (exit $side_status):" >&2
            tail -20 "$SIDE_OUT" >&2
            SIDE_LINE=
            FAILED=1
        fi
    fi
    local alive=1
    kill -0 "$SERVER_PID" 2>/dev/null || alive=0
    local rss metrics="" ticks
    rss=$(peak_rss_mib)
    ticks=$(cpu_ticks)
    if [ "$db" != - ] && [ $alive = 1 ]; then
        metrics=$(http_get /metrics || true)
    fi
    stop_server
    if [ -z "$line" ] || [ $status != 0 ]; then
        echo "bench: $label: wrk failed (exit $status):" >&2
        tail -20 "$out" >&2
        FAILED=1
        return 0
    fi
    if [ $alive = 0 ]; then
        echo "bench: $label: the server died during the run (exit $SERVER_EXIT); its log:" >&2
        tail -20 "$TMP/$label.log" >&2
        FAILED=1
    fi

    local rps p50 p99 non2xx requests sent wrapped poolsz sock
    rps=$(field rps "$line")
    p50=$(field p50_us "$line")
    p99=$(field p99_us "$line")
    non2xx=$(field non2xx "$line")
    requests=$(field requests "$line")
    sent=$(field sent "$line")
    wrapped=$(field wrapped "$line")
    poolsz=$(field pool "$line")
    sock="connect $(field connect "$line"), read $(field read "$line"), write $(field write "$line"), timeout $(field timeout "$line")"

    local share=- verdict=-
    if [ "$target_share" = - ]; then
        CEILING_RPS=$rps
        [ "$wrapped" = 0 ] || NOTES+=("$label: cycled its pool ($wrapped repeats; it does no work per message, so this is harmless)")
    else
        if [ -n "$CEILING_RPS" ]; then
            share=$(awk -v a="$rps" -v b="$CEILING_RPS" 'BEGIN { printf "%.1f%%", (b > 0 ? 100 * a / b : 0) }')
        fi
        local miss=()
        if [ "$share" != - ] && awk -v s="${share%\%}" -v t="$target_share" 'BEGIN { exit !(s < t) }'; then
            miss+=("share<$target_share%")
        fi
        [ "$non2xx" = 0 ] || miss+=("non-2xx")
        awk -v p="$p99" -v t="$TARGET_P99_MS" 'BEGIN { exit !(p > t * 1000) }' && miss+=("p99>${TARGET_P99_MS}ms")
        awk -v r="$rss" -v t="$TARGET_RSS_MIB" 'BEGIN { exit !(r + 0 > t) }' && miss+=("RSS>${TARGET_RSS_MIB}MiB")
        if [ ${#miss[@]} = 0 ]; then
            verdict=PASS
        else
            verdict="MISS (${miss[*]})"
        fi
        check_rows "$label" "$db" $((requests + $(field requests "$SIDE_LINE"))) \
            $((sent + $(field sent "$SIDE_LINE"))) $((wrapped + $(field wrapped "$SIDE_LINE"))) \
            $((poolsz + $(field pool "$SIDE_LINE"))) "$metrics" "$endpoint"
    fi
    NOTES+=("$label: server CPU $(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
        -v n=$((requests + $(field requests "$SIDE_LINE"))) \
        'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }') us per request (user+system, all threads)")
    [ "$sock" = "connect 0, read 0, write 0, timeout 0" ] || NOTES+=("$label: wrk socket errors: $sock")
    local warnings
    warnings=$(grep -c -E ' (WARN|ERROR) ' "$TMP/$label.log" || true)
    [ "$warnings" = 0 ] || NOTES+=("$label: server logged $warnings warning/error lines, first: $(grep -m1 -E ' (WARN|ERROR) ' "$TMP/$label.log")")

    R_NAME+=("$label")
    R_RPS+=("$(printf '%.0f' "$rps")")
    R_P50+=("$(awk -v u="$p50" 'BEGIN { printf "%.2f ms", u / 1000 }')")
    R_P99+=("$(awk -v u="$p99" 'BEGIN { printf "%.2f ms", u / 1000 }')")
    R_NON2XX+=("$non2xx")
    R_RSS+=("$rss")
    R_SHARE+=("$share")
    R_VERDICT+=("$verdict")
}

# check_rows LABEL DB REQUESTS SENT WRAPPED POOL METRICS ENDPOINT - every distinct request that
# reached zhibu has its row: completed-and-distinct <= rows <= sent-and-distinct (requests still
# in flight when wrk stops may or may not have been handled).
check_rows() {
    local label=$1 db=$2 requests=$3 sent=$4 wrapped=$5 poolsz=$6 metrics=$7 ep=${8:-wechat}
    local counts events feedback
    counts=$("$OUT/gen" rows "$db") || { NOTES+=("$label: cannot count rows in $db"); return 0; }
    events=$(field events "$counts")
    feedback=$(field feedback "$counts")
    local lo=$((requests - wrapped)) hi=$((sent - wrapped)) ok=yes
    [ "$events" -ge "$lo" ] && [ "$events" -le "$hi" ] || ok=NO
    NOTES+=("$label: events rows $events for $requests responses ($sent sent, $wrapped of them repeats of a $poolsz-request pool); every request logged: $ok; feedback rows $feedback")
    if [ -n "$metrics" ]; then
        local statuses dups
        statuses=$(printf '%s\n' "$metrics" | sed -n "s/^zhibu_http_requests_total{endpoint=\"$ep\",status=\"\([0-9]*\)\"} \([0-9]*\)\$/\1:\2/p" | tr '\n' ' ')
        dups=$(printf '%s\n' "$metrics" | sed -n "s/^zhibu_events_duplicate_total{platform=\"$ep\"} //p")
        NOTES+=("$label: zhibu's /metrics: $ep statuses ${statuses:-none} duplicates ${dups:-?}")
        local wtx wover wmax wjob
        wtx=$(printf '%s\n' "$metrics" | sed -n 's/^zhibu_writer_transactions_total //p')
        wover=$(printf '%s\n' "$metrics" | sed -n 's/^zhibu_writer_transactions_over_10ms_total //p')
        wmax=$(printf '%s\n' "$metrics" | sed -n 's/^zhibu_writer_transaction_seconds_max //p')
        wjob=$(printf '%s\n' "$metrics" | sed -n 's/^zhibu_writer_job_seconds_max //p')
        [ -n "$wtx" ] && NOTES+=("$label: the writer held the database at most $(awk -v s="$wmax" 'BEGIN{printf "%.1f", s*1000}') ms at a time (longest single job $(awk -v s="$wjob" 'BEGIN{printf "%.1f", s*1000}') ms); $wover of $wtx transactions over 10 ms")
    fi
}

# ---- scenarios ------------------------------------------------------------------------------

# write_config FILE DATABASE AES_KEY - a bench config listening on 127.0.0.1:$PORT.
write_config() {
    cat >"$1" <<EOF
{
  "_comment": "written by tests/bench/run.sh",
  "listen": "127.0.0.1:$PORT",
  "database": "$2",
  "log_level": "info",
  "server": { "threads": 0 },
  "wechat": {
    "enabled": true,
    "app_id": "$APP_ID",
    "token": "$TOKEN",
    "encoding_aes_key": "$3",
    "timestamp_window_s": 0
  }
}
EOF
}

# pool MODE - generate (once) and print the path of the pool for MODE (plain or aes).
pool() {
    local f="$TMP/pool.$1"
    if [ ! -f "$f" ]; then
        "$OUT/gen" "$1" "$POOL" "$f" "$TOKEN" "$APP_ID" "$AES_KEY" >"$f.summary"
        echo "bench: $(cat "$f.summary")" >&2
    fi
    echo "$f"
}

# The machine's ceiling: libmicrohttpd doing no work, fed the plaintext pool.
scenario_ceiling() {
    local p
    p=$(pool plain)
    next_port
    start_server ceiling "$OUT/ceiling" "$PORT" || return 1
    measure ceiling "$p" - -
}

# zhibu, plaintext mode: signed text messages, no EncodingAESKey configured.
scenario_wechat_plain() {
    local p
    p=$(pool plain)
    next_port
    write_config "$TMP/wechat_plain.json" "$TMP/wechat_plain.db" ""
    start_server wechat_plain "$OUT/server" serve --config "$TMP/wechat_plain.json" || return 1
    measure wechat_plain "$p" 20 "$TMP/wechat_plain.db"
}

# chat_mix: CHAT_MEMBERS bound members of the demo branch talking to study and quiz - 1, 学习,
# 下一篇, 往期, 积分, 0, and 答题 (or 2) followed by the round's answers (A, B, 对, 1, ...) - in
# plaintext mode, against a database prepared before the server starts: `zhibu demo seed` (the
# bundled content/study items and content/quiz banks imported and approved) and `gen members`.
scenario_chat_mix() {
    local dir="$TMP/chat_mix" p="$TMP/pool.chat" counts
    mkdir -p "$dir"
    next_port
    cat >"$dir/zhibu.json" <<EOF
{
  "_comment": "written by tests/bench/run.sh",
  "listen": "127.0.0.1:$PORT",
  "database": "$dir/zhibu.db",
  "log_level": "info",
  "server": { "threads": 0 },
  "wechat": {
    "enabled": true,
    "app_id": "$APP_ID",
    "token": "$TOKEN",
    "encoding_aes_key": "",
    "timestamp_window_s": 0
  },
  "study": {
    "audiences": {
      "离退休党员": { "categories": ["离退休"] },
      "一线岗位": { "post_words": ["运行工", "调度员", "维修"] },
      "管理岗位": { "post_words": ["所长", "会计"], "education_words": ["本科", "研究生"] }
    }
  }
}
EOF
    "$OUT/server" demo seed --config "$dir/zhibu.json" >"$dir/seed.log" 2>&1 || {
        echo "bench: chat_mix: zhibu demo seed failed:" >&2
        tail -20 "$dir/seed.log" >&2
        return 1
    }
    echo "bench: $("$OUT/gen" members "$dir/zhibu.db" "$CHAT_MEMBERS")" >&2
    counts=$(sqlite3 "$dir/zhibu.db" "SELECT (SELECT count(*) FROM study_items WHERE status='published') || ' study items and ' || (SELECT count(*) FROM quiz_questions WHERE state='published') || ' questions published'")
    "$OUT/gen" chat "$POOL" "$p" "$TOKEN" "$APP_ID" "$CHAT_MEMBERS" >"$p.summary"
    echo "bench: $(cat "$p.summary")" >&2
    start_server chat_mix "$OUT/server" serve --config "$dir/zhibu.json" || return 1
    measure chat_mix "$p" 20 "$dir/zhibu.db"
    NOTES+=("chat_mix: $CHAT_MEMBERS members, $counts; after the run: $("$OUT/gen" rows "$dir/zhibu.db" | cut -d' ' -f3-)")
}

# zhibu, safe mode: every message encrypted with its own msg_signature; replies encrypted.
scenario_wechat_aes() {
    local p
    p=$(pool aes)
    next_port
    write_config "$TMP/wechat_aes.json" "$TMP/wechat_aes.db" "$AES_KEY"
    start_server wechat_aes "$OUT/server" serve --config "$TMP/wechat_aes.json" || return 1
    measure wechat_aes "$p" 15 "$TMP/wechat_aes.db"
}

# Bench-only QQ credentials; never a real bot's.
OB_SECRET=zhibu-bench-onebot
OB_SELF=10001000
QQ_APPID=102030
QQ_SECRET=zhibu-bench-qqbot

# qq_pool MODE SECRET ID - generate (once) and print the path of the onebot or qqbot pool.
qq_pool() {
    local f="$TMP/pool.$1"
    if [ ! -f "$f" ]; then
        "$OUT/gen_qq" "$1" "$POOL" "$f" "$2" "$3" >"$f.summary"
        echo "bench: $(cat "$f.summary")" >&2
    fi
    echo "$f"
}

# start_fake DIR [ARGS...] - the fake platform APIs (tests/fakes/fake_platform) in DIR for the
# outbox's sender, with more ARGS for the fake; sets FAKE_PID and FAKE_PORT.
start_fake() {
    local dir=$1 i
    shift
    FAKE_PORT=
    make -s --no-print-directory build/release/tests/fakes/fake_platform
    build/release/tests/fakes/fake_platform --port-file "$dir/fake.port" --record "$dir/fake.jsonl" \
        --qqbot-appid "$QQ_APPID" --qqbot-secret "$QQ_SECRET" --onebot-token bench-ob "$@" \
        >"$dir/fake.log" 2>&1 &
    FAKE_PID=$!
    for i in $(seq 100); do
        [ -s "$dir/fake.port" ] && FAKE_PORT=$(cat "$dir/fake.port") && break
        sleep 0.05
    done
    [ -n "$FAKE_PORT" ] || { echo "bench: fake_platform did not start" >&2; stop_fake; return 1; }
}

stop_fake() {
    kill "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
}

# write_qq_config FILE DATABASE FAKE_PORT - OneBot and the open platform on, their APIs (for the
# outbox's sender) pointed at the fake; WeChat off.
write_qq_config() {
    cat >"$1" <<EOF
{
  "_comment": "written by tests/bench/run.sh",
  "listen": "127.0.0.1:$PORT",
  "database": "$2",
  "log_level": "info",
  "server": { "threads": 0 },
  "wechat": { "enabled": false },
  "onebot": { "enabled": true, "secret": "$OB_SECRET", "self_id": "$OB_SELF",
              "access_token": "bench-ob", "api_base": "http://127.0.0.1:$3" },
  "qqbot": { "enabled": true, "app_id": "$QQ_APPID", "secret": "$QQ_SECRET",
             "api_base": "http://127.0.0.1:$3",
             "token_url": "http://127.0.0.1:$3/app/getAppAccessToken" },
  "ratelimit": { "wechat": 0, "onebot": 0, "qqbot": 0 }
}
EOF
}

# OneBot v11 HTTP POST: group (and some private) messages, HMAC-SHA1 signed; about half of them
# chatter that zhibu logs and leaves alone (204), the rest answered with a quick operation.
scenario_onebot_group() {
    local p dir="$TMP/onebot_group"
    mkdir -p "$dir"
    p=$(qq_pool onebot "$OB_SECRET" "$OB_SELF")
    start_fake "$dir" || return 1
    next_port
    write_qq_config "$dir/zhibu.json" "$dir/zhibu.db" "$FAKE_PORT"
    start_server onebot_group "$OUT/server" serve --config "$dir/zhibu.json" ||
        { stop_fake; return 1; }
    measure onebot_group "$p" 20 "$dir/zhibu.db" onebot
    stop_fake
}

# QQ open platform: GROUP_AT_MESSAGE_CREATE and C2C_MESSAGE_CREATE, each verified with Ed25519
# and ACKed with op 12; every answer is a passive reply queued in the outbox. The row measures
# the webhook (verify, parse, route, log, queue): the fake answers sends after 2 s, so the
# sender delivers only a handful during the run - delivery has its own row (scenario_delivery),
# and on two cores a sender and a fake busy delivering every reply take CPU from the webhook
# (BENCH_QQBOT_FAKE_MS=0 measures that case).
scenario_qqbot() {
    local p dir="$TMP/qqbot" queued sent
    mkdir -p "$dir"
    p=$(qq_pool qqbot "$QQ_SECRET" "$QQ_APPID")
    start_fake "$dir" --slow-ms "${BENCH_QQBOT_FAKE_MS:-2000}" || return 1
    next_port
    write_qq_config "$dir/zhibu.json" "$dir/zhibu.db" "$FAKE_PORT"
    start_server qqbot "$OUT/server" serve --config "$dir/zhibu.json" || { stop_fake; return 1; }
    measure qqbot "$p" 10 "$dir/zhibu.db" qqbot
    queued=$(sqlite3 "$dir/zhibu.db" "SELECT count(*) FROM outbox")
    sent=$(sqlite3 "$dir/zhibu.db" "SELECT count(*) FROM outbox WHERE status='sent'")
    NOTES+=("qqbot: $queued passive replies queued in the outbox, $sent delivered to the fake (answering after ${BENCH_QQBOT_FAKE_MS:-2000} ms) before the server stopped")
    stop_fake
}

# delivery: a broadcast to BENCH_BROADCAST (10,000) members - odd ones reached by WeChat template
# messages, even ones by OneBot private messages - delivered to tests/fakes/fake_platform on
# loopback with no rate limit. The row: messages/s from start-up to the last row sent, rows not
# sent as non-2xx, zhibu's peak RSS. Targets: >= 2,000 msg/s and all 10,000 in < 10 s.
scenario_delivery() {
    local n=${BENCH_BROADCAST:-10000} dir="$TMP/delivery" i fport="" fake_pid
    mkdir -p "$dir"
    make -s --no-print-directory build/release/tests/fakes/fake_platform
    build/release/tests/fakes/fake_platform --port-file "$dir/fake.port" --wechat-appid wxbench \
        --wechat-secret bench-secret --onebot-token bench-ob >"$dir/fake.log" 2>&1 &
    fake_pid=$!
    for i in $(seq 100); do
        [ -s "$dir/fake.port" ] && fport=$(cat "$dir/fake.port") && break
        sleep 0.05
    done
    [ -n "$fport" ] || { echo "bench: fake_platform did not start" >&2; kill "$fake_pid"; return 1; }
    next_port
    printf '%s\n' "{ \"listen\": \"127.0.0.1:$PORT\", \"database\": \"$dir/zhibu.db\"," \
        " \"log_level\": \"warn\"," \
        " \"wechat\": { \"enabled\": true, \"token\": \"t\", \"app_id\": \"wxbench\"," \
        "   \"app_secret\": \"bench-secret\", \"api_base\": \"http://127.0.0.1:$fport\"," \
        "   \"template\": { \"broadcast\": \"TPL\" } }," \
        " \"onebot\": { \"enabled\": true, \"access_token\": \"bench-ob\"," \
        "   \"api_base\": \"http://127.0.0.1:$fport\" }," \
        " \"outbox\": { \"concurrency\": 32 }," \
        " \"ratelimit\": { \"wechat\": 0, \"onebot\": 0, \"qqbot\": 0 } }" >"$dir/zhibu.json"
    "$OUT/server" outbox --config "$dir/zhibu.json" --limit 1 >/dev/null # creates the schema
    sqlite3 "$dir/zhibu.db" \
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
         INSERT INTO members(id, name, created_at, updated_at) SELECT i, 'm' || i, 0, 0 FROM k;
         INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen)
           SELECT CASE WHEN id % 2 THEN 'wechat' ELSE 'onebot' END, '',
                  CASE WHEN id % 2 THEN 'oBench' || id ELSE CAST(100000 + id AS TEXT) END,
                  id, 0, 0 FROM members;
         INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, not_before, next_try_at, created_at)
           SELECT 'bench:' || id, 'member', CAST(id AS TEXT), 'broadcast',
                  '请于本周五前完成第三季度学习', 0, 0, 0 FROM members;"
    local t0 t1 sent=0 rss failed secs rate verdict
    t0=$(date +%s.%N)
    start_server delivery "$OUT/server" serve --config "$dir/zhibu.json" ||
        { kill "$fake_pid"; return 1; }
    for i in $(seq 1200); do
        sent=$(sqlite3 "$dir/zhibu.db" "SELECT count(*) FROM outbox WHERE status='sent'")
        [ "$sent" -ge "$n" ] && break
        sleep 0.05
    done
    t1=$(date +%s.%N)
    rss=$(peak_rss_mib)
    stop_server
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
    failed=$(sqlite3 "$dir/zhibu.db" "SELECT count(*) FROM outbox WHERE status<>'sent'")
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    rate=$(awk -v s="$secs" -v c="$sent" 'BEGIN { printf "%.0f", (s > 0 ? c / s : 0) }')
    verdict=$(awk -v r="$rate" -v s="$secs" -v f="$failed" \
        'BEGIN { print (r >= 2000 && s < 10 && f == 0) ? "PASS" : "MISS" }')
    R_NAME+=("delivery")
    R_RPS+=("$rate")
    R_P50+=("-")
    R_P99+=("-")
    R_NON2XX+=("$failed")
    R_RSS+=("$rss")
    R_SHARE+=("-")
    R_VERDICT+=("$verdict (msg/s>=2000, $n in <10s)")
    NOTES+=("delivery: $sent of $n broadcast messages sent in ${secs}s from start-up; req/s is msg/s")
}

# The tasks scenario's WeChat members are gen's bench users from RECEIPT_FIRST on (users 0..4999
# send the plain pool, unbound, so the two loads' senders are disjoint), on the pools' account.
RECEIPT_FIRST=100000
BENCH_ACCOUNT=gh_zhibu_bench # tests/bench/gen.c's BENCH_ACCOUNT, the pools' ToUserName

# tasks: a task from the secretary to BENCH_BROADCAST (10,000) members of one branch - odd ones
# bound WeChat identities, even ones OneBot - sent over REST one second into two concurrent wrk
# runs (counted from when both have loaded their pools) that share the threads and connections:
# the plaintext WeChat chat pool (the `tasks` row: chat replies during the broadcast; compare its
# p99 with wechat_plain, the same pool and total connections without the broadcast) and the
# WeChat members answering 收到 in private chat (`gen receipt`, the `tasks_receipts` row: webhook
# req/s and latency of the receipts, and receipts/s: distinct receipts recorded in
# task_recipients over the seconds of the wrk run). A 收到 before the task has reached the member
# is answered kindly and not counted; the pool repeats every member once per pass, and a repeat
# is answered as already recorded. The notes say how long the fan-out (queued through notify,
# one batch per writer transaction), the delivery to the fake platforms and the receipts took.
# The platforms' rate limits are 0 here (no limit), as in scenario_delivery.
scenario_tasks() {
    local n=${BENCH_BROADCAST:-10000} dir="$TMP/tasks" i fport="" fake_pid p rp token
    local wx=$(((n + 1) / 2)) # members 1, 3, 5 ... are the WeChat ones
    local side_t=$((THREADS / 2)) side_c=$((CONNECTIONS / 2)) chat_t chat_c
    [ "$side_t" -ge 1 ] || side_t=1
    [ "$side_c" -ge "$side_t" ] || side_c=$side_t
    chat_t=$((THREADS - side_t))
    [ "$chat_t" -ge 1 ] || chat_t=1
    chat_c=$((CONNECTIONS - side_c))
    [ "$chat_c" -ge "$chat_t" ] || chat_c=$chat_t
    mkdir -p "$dir"
    p=$(pool plain)
    rp="$TMP/pool.receipt"
    "$OUT/gen" receipt "$POOL" "$rp" "$TOKEN" "$APP_ID" "$RECEIPT_FIRST" "$wx" >"$rp.summary"
    echo "bench: $(cat "$rp.summary")" >&2
    make -s --no-print-directory build/release/tests/fakes/fake_platform
    build/release/tests/fakes/fake_platform --port-file "$dir/fake.port" --wechat-appid "$APP_ID" \
        --wechat-secret bench-secret --onebot-token bench-ob >"$dir/fake.log" 2>&1 &
    fake_pid=$!
    for i in $(seq 100); do
        [ -s "$dir/fake.port" ] && fport=$(cat "$dir/fake.port") && break
        sleep 0.05
    done
    [ -n "$fport" ] || { echo "bench: fake_platform did not start" >&2; kill "$fake_pid"; return 1; }
    next_port
    printf '%s\n' "{ \"listen\": \"127.0.0.1:$PORT\", \"database\": \"$dir/zhibu.db\"," \
        " \"log_level\": \"warn\", \"api\": { \"enabled\": true, \"rate_per_min\": 100000 }," \
        " \"wechat\": { \"enabled\": true, \"token\": \"$TOKEN\", \"app_id\": \"$APP_ID\"," \
        "   \"app_secret\": \"bench-secret\", \"api_base\": \"http://127.0.0.1:$fport\"," \
        "   \"timestamp_window_s\": 0, \"templates\": { \"tasks.issued\": { \"id\": \"TPL\" } } }," \
        " \"onebot\": { \"enabled\": true, \"access_token\": \"bench-ob\"," \
        "   \"api_base\": \"http://127.0.0.1:$fport\" }," \
        " \"outbox\": { \"concurrency\": 32 }," \
        " \"ratelimit\": { \"wechat\": 0, \"onebot\": 0, \"qqbot\": 0 } }" >"$dir/zhibu.json"
    "$OUT/server" branch add 压测党委/压测支部 --config "$dir/zhibu.json" >/dev/null
    sqlite3 "$dir/zhibu.db" \
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
         INSERT INTO members(id, name, branch_id, roles, created_at, updated_at)
           SELECT i, 'm' || i, (SELECT id FROM branches WHERE name = '压测支部'),
                  CASE WHEN i = 1 THEN 'secretary' ELSE '' END, 0, 0 FROM k;
         INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen)
           SELECT CASE WHEN id % 2 THEN 'wechat' ELSE 'onebot' END,
                  CASE WHEN id % 2 THEN '$BENCH_ACCOUNT' ELSE '' END,
                  CASE WHEN id % 2 THEN printf('oBench%022d', $RECEIPT_FIRST + id / 2)
                       ELSE CAST(100000 + id AS TEXT) END,
                  id, 0, 0 FROM members;"
    token=$("$OUT/server" api token --member 1 --config "$dir/zhibu.json")
    start_server tasks "$OUT/server" serve --config "$dir/zhibu.json" ||
        { kill "$fake_pid"; return 1; }
    # one second after both wrk have loaded their pools (each wrk thread writes its ready file
    # then), the secretary sends the task; then watch it go out and the receipts come in, until
    # both are complete or the run is over ($dir/stop)
    (
        for i in $(seq 600); do
            [ -e "$TMP/ready.tasks/ready.$((chat_t - 1))" ] &&
                [ -e "$TMP/ready.tasks_receipts/ready.$((side_t - 1))" ] && break
            [ -e "$dir/stop" ] && break
            sleep 0.05
        done
        sleep 1
        t0=$(date +%s.%N)
        curl -s -o /dev/null -H "Authorization: Bearer $token" -X POST \
            -d '{"text":"请于本周五前完成第三季度学习，回复收到确认"}' \
            "http://127.0.0.1:$PORT/api/v1/tasks"
        queued_at="" first_at="" all_at="" queued=0 sent=0 got=0
        for i in $(seq 1200); do
            read -r queued sent got < <(sqlite3 -separator ' ' "$dir/zhibu.db" \
                "SELECT (SELECT count(*) FROM task_recipients),
                        (SELECT count(*) FROM outbox WHERE status='sent' AND idem_key LIKE 'task:%'),
                        (SELECT count(*) FROM task_recipients WHERE received_at > 0)" \
                2>/dev/null || echo "$queued $sent $got")
            now=$(date +%s.%N)
            [ -n "$queued_at" ] || [ "$queued" -lt "$n" ] || queued_at=$now
            [ -n "$first_at" ] || [ "$got" -lt 1 ] || first_at=$now
            [ -n "$all_at" ] || [ "$got" -lt "$wx" ] || all_at=$now
            [ "$sent" -ge "$n" ] && [ -n "$all_at" ] && break
            [ -e "$dir/stop" ] && break
            sleep 0.05
        done
        t1=$(date +%s.%N)
        awk -v a="$t0" -v q="${queued_at:-0}" -v b="$t1" -v s="$sent" -v n="$n" \
            -v f="${first_at:-0}" -v l="${all_at:-0}" -v w="$wx" -v g="$got" 'BEGIN {
            sec = "%.2f s"
            printf "tasks: %d recipients queued in %s, %d of %d delivered in %.2f s (rate limits 0); ",
                n, (q > 0 ? sprintf(sec, q - a) : "-"), s, n, b - a
            printf "receipts: the first %s after the task was sent, ", (f > 0 ? sprintf(sec, f - a) : "never")
            if (l > 0)
                printf "all %d WeChat members answered by %.2f s (about %.0f receipts/s from the first to the last, watched every 50 ms)\n",
                    w, l - a, (l > f ? w / (l - f) : 0)
            else
                printf "%d of %d WeChat members when watching stopped\n", g, w
        }' >"$dir/broadcast.txt"
    ) &
    local watcher=$!
    start_side tasks_receipts "$rp" "$side_t" "$side_c"
    THREADS=$chat_t CONNECTIONS=$chat_c measure tasks "$p" 0 "$dir/zhibu.db"
    : >"$dir/stop"
    wait "$watcher" 2>/dev/null || true
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
    NOTES+=("$(cat "$dir/broadcast.txt" 2>/dev/null || echo "tasks: the broadcast did not finish before the server stopped")")
    NOTES+=("tasks: the row is the chat pool on $chat_c connections during the broadcast, beside the receipts on $side_c; compare its p99 with wechat_plain ($CONNECTIONS connections of chat, no broadcast); judged on non-2xx and p99 only")
    local last=$((${#R_NAME[@]} - 1))
    [ -n "$SIDE_LINE" ] && [ $last -ge 0 ] && [ "${R_NAME[$last]}" = tasks ] || return 0
    local got secs rate
    got=$(sqlite3 "$dir/zhibu.db" "SELECT count(*) FROM task_recipients WHERE received_at > 0 AND channel = 'wechat'")
    secs=$(awk -v u="$(field duration_us "$SIDE_LINE")" 'BEGIN { printf "%.2f", u / 1e6 }')
    rate=$(awk -v g="$got" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? g / s : 0) }')
    R_NAME+=("tasks_receipts")
    R_RPS+=("$(printf '%.0f' "$(field rps "$SIDE_LINE")")")
    R_P50+=("$(awk -v u="$(field p50_us "$SIDE_LINE")" 'BEGIN { printf "%.2f ms", u / 1000 }')")
    R_P99+=("$(awk -v u="$(field p99_us "$SIDE_LINE")" 'BEGIN { printf "%.2f ms", u / 1000 }')")
    R_NON2XX+=("$(field non2xx "$SIDE_LINE")")
    R_RSS+=("${R_RSS[$last]}")
    R_SHARE+=("-")
    R_VERDICT+=("receipts/s $rate ($got distinct of $wx in ${secs}s; req/s: 收到 webhooks)")
    NOTES+=("tasks_receipts: $(field requests "$SIDE_LINE") 收到 answered ($(field sent "$SIDE_LINE") sent, a $(field pool "$SIDE_LINE")-request pool of $wx members in shuffled passes); $got distinct receipts recorded (channel wechat); RSS is the tasks server's")
}

# ---- main -----------------------------------------------------------------------------------

build
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
echo "bench: $(nproc) CPUs; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; pools of $POOL requests; in $TMP"
for s in $SCENARIOS; do
    if ! declare -F "scenario_$s" >/dev/null; then
        echo "bench: unknown scenario $s" >&2
        exit 2
    fi
    "scenario_$s" || FAILED=1
done

echo
printf '%-14s | %8s | %9s | %9s | %7s | %12s | %10s | %s\n' scenario req/s p50 p99 non-2xx \
    "peak RSS MiB" "of ceiling" "targets (share, 0 non-2xx, p99<=${TARGET_P99_MS}ms, RSS<=${TARGET_RSS_MIB}MiB)"
printf '%s\n' "---------------+----------+-----------+-----------+---------+--------------+------------+--------------------"
for i in "${!R_NAME[@]}"; do
    printf '%-14s | %8s | %9s | %9s | %7s | %12s | %10s | %s\n' "${R_NAME[$i]}" "${R_RPS[$i]}" \
        "${R_P50[$i]}" "${R_P99[$i]}" "${R_NON2XX[$i]}" "${R_RSS[$i]}" "${R_SHARE[$i]}" "${R_VERDICT[$i]}"
done
echo
for n in "${NOTES[@]}"; do
    echo "  $n"
done
echo "  (non-2xx is wrk's count of responses with status >= 400; targets: wechat_plain >= 20% of"
echo "   the ceiling, chat_mix >= 20% like wechat_plain, wechat_aes >= 15%, onebot_group >= 20%,"
echo "   qqbot >= 10%, tasks none (it shares the server with the receipts); a MISS is reported,"
echo "   not failed)"
if [ $FAILED != 0 ]; then
    echo "bench: a server failed to start or died, or wrk failed (see above)" >&2
    exit 1
fi
