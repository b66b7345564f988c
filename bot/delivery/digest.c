/* digest.c - the daily digest's sections (see digest.h). */
#include "bot/delivery/digest.h"

#include <stdbool.h>
#include <string.h>

#include "bot/delivery/notify.h"

static struct {
    const char *name;
    digest_section_fn fn;
} sections[DIGEST_SECTIONS_MAX];
static size_t nsections;

int digest_register_section(const char *name, digest_section_fn fn)
{
    if (!name || !fn)
        return ZB_EINVAL;
    for (size_t i = 0; i < nsections; i++)
        if (strcmp(sections[i].name, name) == 0)
            return ZB_EINVAL;
    if (nsections == DIGEST_SECTIONS_MAX)
        return ZB_ETOOBIG;
    sections[nsections].name = name;
    sections[nsections++].fn = fn;
    return ZB_OK;
}

void digest_reset(void)
{
    nsections = 0;
}

struct folded {
    struct buf *out;
    int n;
    int64_t last; /* row id of the last item listed */
};

static int one_folded(const struct notify_item *it, void *arg)
{
    struct folded *f = arg;
    if (!f->n && buf_appendz(f->out, "\n其他事项："))
        return ZB_ETOOBIG;
    f->n++;
    f->last = it->id;
    const char *t = *it->title ? it->title : it->text;
    return buf_appendf(f->out, "\n· %.120s", t) ? ZB_ETOOBIG : ZB_OK;
}

int digest_build(int64_t member_id, int64_t now, struct buf *out, bool *any, int64_t *folded_upto)
{
    *any = false;
    if (folded_upto)
        *folded_upto = 0;
    for (size_t i = 0; i < nsections; i++) {
        struct buf part;
        buf_init(&part, DIGEST_TEXT_MAX);
        int rc = sections[i].fn(member_id, now, &part);
        if (rc && rc != ZB_ETOOBIG) {
            buf_free(&part);
            return rc;
        }
        if (!rc && part.len) {
            if ((out->len && buf_appendz(out, "\n")) || buf_append(out, part.data, part.len))
                rc = ZB_ETOOBIG; /* it does not fit: left out */
            else
                *any = true;
        }
        buf_free(&part);
    }
    struct buf fold;
    buf_init(&fold, DIGEST_TEXT_MAX);
    struct folded f = {&fold, 0, 0};
    int rc = notify_folded(member_id, DIGEST_FOLDED_MAX, one_folded, &f);
    if (rc == ZB_OK && f.n && buf_append(out, fold.data, fold.len) == ZB_OK) {
        *any = true;
        if (folded_upto)
            *folded_upto = f.last;
    }
    buf_free(&fold);
    return rc == ZB_ETOOBIG ? ZB_OK : rc;
}
