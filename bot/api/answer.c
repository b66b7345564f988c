/* answer.c - a route handler's JSON answer or error (see answer.h). */
#include "bot/api/answer.h"

#include <stdio.h>
#include <stdlib.h>

int api_emit(struct api_ctx *c, cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    int rc = s ? buf_appendz(c->out, s) : ZB_ETOOBIG;
    free(s);
    return rc;
}

int api_fail(struct api_ctx *c, int code, const char *field, const char *message)
{
    c->field = field;
    if (message) {
        snprintf(c->note, sizeof c->note, "%s", message);
        c->message = c->note;
    }
    return code;
}
