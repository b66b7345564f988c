/* wechat_menu.c - the custom menu from the handler table (see wechat_menu.h). */
#include "webhook/wechat/wechat_menu.h"

#include <string.h>

#define ENTRIES_MAX (WECHAT_MENU_TOP * WECHAT_MENU_SUB)

/* cut - s cut to at most max bytes at a UTF-8 character boundary, into out (size > max). */
static void cut(const char *s, size_t max, char *out)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

static cJSON *click(const struct handler *h, size_t max_name)
{
    char name[WECHAT_MENU_SUB_NAME + 1];
    cut(h->menu_label ? h->menu_label : h->name, max_name, name);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "type", "click");
    cJSON_AddStringToObject(b, "name", name);
    cJSON_AddStringToObject(b, "key", h->keywords[0]);
    return b;
}

static cJSON *group(const char *name, const struct handler *const *e, size_t n)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "name", name);
    cJSON *subs = cJSON_AddArrayToObject(g, "sub_button");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(subs, click(e[i], WECHAT_MENU_SUB_NAME));
    return g;
}

cJSON *wechat_menu_build(const struct handler *const *table, size_t n, size_t *left)
{
    const struct handler *e[ENTRIES_MAX];
    size_t ne = 0, dropped = 0;
    for (int no = 1; no < 100; no++)
        for (size_t i = 0; i < n; i++) {
            const struct handler *h = table[i];
            if (h->menu_no != no)
                continue;
            if (!h->keywords || !h->keywords[0] || !*h->keywords[0] ||
                strlen(h->keywords[0]) > WECHAT_MENU_KEY || ne == ENTRIES_MAX)
                dropped++;
            else
                e[ne++] = h;
        }
    if (left)
        *left = dropped;
    if (ne == 0)
        return NULL;
    cJSON *menu = cJSON_CreateObject();
    cJSON *top = cJSON_AddArrayToObject(menu, "button");
    if (ne <= WECHAT_MENU_TOP) {
        for (size_t i = 0; i < ne; i++)
            cJSON_AddItemToArray(top, click(e[i], WECHAT_MENU_TOP_NAME));
    } else if (ne <= WECHAT_MENU_TOP - 1 + WECHAT_MENU_SUB) {
        for (size_t i = 0; i < WECHAT_MENU_TOP - 1; i++)
            cJSON_AddItemToArray(top, click(e[i], WECHAT_MENU_TOP_NAME));
        cJSON_AddItemToArray(top, group("更多", e + WECHAT_MENU_TOP - 1, ne - WECHAT_MENU_TOP + 1));
    } else {
        static const char *const names[WECHAT_MENU_TOP] = {"常用", "更多", "其他"};
        for (size_t g = 0; g * WECHAT_MENU_SUB < ne; g++) {
            size_t from = g * WECHAT_MENU_SUB;
            size_t k = ne - from < WECHAT_MENU_SUB ? ne - from : WECHAT_MENU_SUB;
            cJSON_AddItemToArray(top, group(names[g], e + from, k));
        }
    }
    return menu;
}
