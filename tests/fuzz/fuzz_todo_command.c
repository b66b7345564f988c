/*
 * fuzz_todo_command.c - libFuzzer driver for todo_chat_parse (handlers/todo/chat.c), the grammar
 * of the secretaries' inbox commands (待办, 同意 ID, 退回 ID 原因, with ids in full width or
 * spelled). The input is the text as typed; it is normalised and split as the router does.
 * Invariants: the kind is one of the three; an id only with approve or return, then within
 * 1 .. 10^15 - 1; a reason only with return and an id, and it lies inside the typed text or the
 * router's argument (never outside either buffer).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/chat/normalize.h"
#include "handlers/todo/chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(const char *p, const char *buf)
{
    return p >= buf && p <= buf + strlen(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0;
    char *raw = malloc(size + 1);
    if (!raw)
        return 0;
    memcpy(raw, data, size);
    raw[size] = '\0';
    char *norm = normalize_text(raw, strlen(raw));
    const char *space = strchr(norm, ' ');
    const char *arg = space ? space + 1 : "";
    struct todo_cmd cmd;
    todo_chat_parse(norm, arg, raw, &cmd);
    if (cmd.kind != TODO_CMD_LIST && cmd.kind != TODO_CMD_APPROVE && cmd.kind != TODO_CMD_RETURN)
        abort();
    if (cmd.has_id && (cmd.kind == TODO_CMD_LIST || cmd.id < 1 || cmd.id > 999999999999999LL))
        abort();
    if (!cmd.reason)
        abort();
    if (*cmd.reason) {
        if (cmd.kind != TODO_CMD_RETURN || !cmd.has_id)
            abort();
        if (!inside(cmd.reason, raw) && !inside(cmd.reason, arg))
            abort();
        (void)strlen(cmd.reason); /* terminated: read to its end */
    }
    free(norm);
    free(raw);
    return 0;
}
