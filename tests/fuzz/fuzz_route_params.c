/*
 * fuzz_route_params.c - libFuzzer driver for path-parameter parsing (webhook/http/route.c) over
 * the REST door's kind of table: literals, {id} parameters, a prefix.
 *
 * The first byte picks the method, the rest is the path. Asserts: a match's parameters are as
 * many as its pattern has, each non-empty, without '/', at most ROUTE_PARAM_MAX bytes, and
 * found again by route_param; a literal route beats a parameter one; a miss is one of the
 * documented codes, and a 405's Allow text names only methods of the table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webhook/http/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void h(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    (void)cfg;
    (void)req;
    (void)resp;
}

static const struct route table[] = {
    {"/api/v1/members", ROUTE_GET, 0, h},
    {"/api/v1/members/{id}", ROUTE_GET | ROUTE_PATCH, 1, h},
    {"/api/v1/members/me", ROUTE_GET, 2, h},
    {"/api/v1/todo/{id}", ROUTE_POST, 3, h},
    {"/api/v1/a/{x}/b/{y}", ROUTE_DELETE, 4, h},
    {"/api/v1/", ROUTE_GET | ROUTE_POST | ROUTE_PUT, 5, h},
};
#define N (sizeof table / sizeof table[0])

static int braces(const char *p)
{
    int n = 0;
    for (; *p; p++)
        n += *p == '{';
    return n + (p[-1] == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > ROUTE_PATH_MAX + 64)
        return 0;
    unsigned method = 1u << (data[0] % 5);
    char *path = malloc(size);
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    struct route_match m;
    char allow[ROUTE_ALLOW_MAX];
    int i = route_find(table, N, path, method, &m, allow, sizeof allow);
    if (i >= 0) {
        if ((size_t)i >= N || !(table[i].methods & method) || m.n != braces(table[i].pattern))
            abort();
        for (int k = 0; k < m.n; k++) {
            size_t len = strlen(m.value[k]);
            if (len > ROUTE_PARAM_MAX ||
                (strcmp(m.name[k], "*") != 0 && (!len || strchr(m.value[k], '/'))))
                abort();
            char name[40];
            snprintf(name, sizeof name, "%.*s", (int)m.name_len[k], m.name[k]);
            if (route_param(&m, name) != m.value[k] && strcmp(route_param(&m, name), m.value[k]))
                abort();
        }
        if (strcmp(path, "/api/v1/members/me") == 0 && method == ROUTE_GET && i != 2)
            abort();
    } else if (i == ROUTE_BAD_METHOD) {
        if (!allow[0] || strstr(allow, "HEAD"))
            abort();
    } else if (i != ROUTE_NOT_FOUND && i != ROUTE_TOO_LONG) {
        abort();
    }
    free(path);
    return 0;
}
