/* html.c - escaping and the page frame of the H5 pages (see html.h). */
#include "bot/base/html.h"

int html_escape(struct buf *b, const char *s)
{
    int rc = ZB_OK;
    for (; *s && !rc; s++) {
        switch (*s) {
        case '&':
            rc = buf_appendz(b, "&amp;");
            break;
        case '<':
            rc = buf_appendz(b, "&lt;");
            break;
        case '>':
            rc = buf_appendz(b, "&gt;");
            break;
        case '"':
            rc = buf_appendz(b, "&quot;");
            break;
        case '\'':
            rc = buf_appendz(b, "&#39;");
            break;
        case '\n':
            rc = buf_appendz(b, "<br>");
            break;
        default:
            rc = buf_append(b, s, 1);
        }
    }
    return rc;
}

int html_head(struct buf *b, const char *title)
{
    int rc =
        buf_appendz(b, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                       "<title>");
    if (!rc)
        rc = html_escape(b, title);
    if (!rc)
        rc = buf_appendz(b, "</title><style>body{font-size:22px;line-height:1.6;margin:1em;"
                            "max-width:40em}button{font-size:28px;padding:.5em 2em}</style>"
                            "</head><body>");
    return rc;
}

int html_tail(struct buf *b)
{
    return buf_appendz(b, "</body></html>");
}
