/*
 * wechat_say.c - a minimal WeChat server-side peer over libcurl (see wechat_say.h).
 */
#include "webhook/wechat/wechat_say.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/buf.h"
#include "bot/base/rand.h"
#include "bot/chat/reply.h"
#include "bot/base/xmalloc.h"
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_xml.h"

#define SAY_BODY_MAX (256 * 1024)
#define SAY_ACCOUNT  "gh_zhibu_demo"

void wechat_say_url(const struct config *cfg, char *out, size_t outsz)
{
    const char *listen = cfg->listen;
    const char *colon = strrchr(listen, ':');
    const char *port = colon ? colon + 1 : "8080";
    size_t hl = colon ? (size_t)(colon - listen) : 0;
    if ((hl == 7 && strncmp(listen, "0.0.0.0", 7) == 0) || hl == 0)
        snprintf(out, outsz, "http://127.0.0.1:%s", port);
    else if (hl == 4 && strncmp(listen, "[::]", 4) == 0)
        snprintf(out, outsz, "http://[::1]:%s", port);
    else
        snprintf(out, outsz, "http://%.*s:%s", (int)hl, listen, port);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    return buf_append(b, p, size * n) ? 0 : size * n;
}

/* shown_text - what a phone shows for the reply XML x. */
static char *shown_text(const struct wechat_xml *x)
{
    const char *type = wechat_xml_get(x, "MsgType");
    struct buf b;
    buf_init(&b, SAY_BODY_MAX);
    if (type && strcmp(type, "news") == 0) {
        const char *t = wechat_xml_get(x, "Articles/item/Title");
        const char *d = wechat_xml_get(x, "Articles/item/Description");
        const char *u = wechat_xml_get(x, "Articles/item/Url");
        if (buf_appendf(&b, "【%s】", t ? t : "") || (d && *d && buf_appendf(&b, "\n%s", d)) ||
            (u && *u && buf_appendf(&b, "\n%s", u)))
            buf_reset(&b);
    } else {
        const char *c = wechat_xml_get(x, "Content");
        if (c && buf_appendz(&b, c))
            buf_reset(&b);
    }
    return buf_steal(&b);
}

/* build_body - the request XML, encrypted into the safe-mode envelope when key is set. */
static int build_body(const struct config *cfg, const unsigned char *key, const char *from,
                      const char *text, const char *ts, const char *nonce, struct buf *body,
                      char sig_out[WECHAT_SIG_HEX])
{
    struct buf xml;
    buf_init(&xml, SAY_BODY_MAX);
    char *cipher = NULL;
    int rc = buf_appendz(&xml, "<xml><ToUserName>");
    rc = rc ? rc : wechat_xml_cdata(&xml, SAY_ACCOUNT);
    rc = rc ? rc : buf_appendz(&xml, "</ToUserName><FromUserName>");
    rc = rc ? rc : wechat_xml_cdata(&xml, from);
    rc = rc ? rc : buf_appendf(&xml, "</FromUserName><CreateTime>%s</CreateTime><MsgType>", ts);
    rc = rc ? rc : wechat_xml_cdata(&xml, "text");
    rc = rc ? rc : buf_appendz(&xml, "</MsgType><Content>");
    rc = rc ? rc : wechat_xml_cdata(&xml, text);
    rc =
        rc ? rc
           : buf_appendf(&xml, "</Content><MsgId>%" PRIu64 "</MsgId></xml>", (rand_u64() >> 1) | 1);
    if (rc || !key) {
        if (!rc)
            rc = buf_append(body, xml.data, xml.len);
        goto done;
    }
    unsigned char rnd[16];
    rand_bytes(rnd, sizeof rnd);
    rc = wechat_encrypt(key, rnd, xml.data, xml.len, cfg->wechat.app_id, &cipher);
    if (rc)
        goto done;
    const char *parts[4] = {cfg->wechat.token, ts, nonce, cipher};
    wechat_sign(parts, 4, sig_out);
    rc = buf_appendz(body, "<xml><ToUserName>");
    rc = rc ? rc : wechat_xml_cdata(body, SAY_ACCOUNT);
    rc = rc ? rc : buf_appendz(body, "</ToUserName><Encrypt>");
    rc = rc ? rc : wechat_xml_cdata(body, cipher);
    rc = rc ? rc : buf_appendz(body, "</Encrypt></xml>");
done:
    free(cipher);
    buf_free(&xml);
    return rc;
}

/* read_reply - check and open the reply body into *shown. */
static int read_reply(const struct config *cfg, const unsigned char *key, const struct buf *resp,
                      char **shown, char *err, size_t errsz)
{
    if (resp->len == 0 || strcmp(buf_str(resp), "success") == 0) {
        *shown = xstrdup("");
        return ZB_OK;
    }
    struct wechat_xml *x = NULL, *inner = NULL;
    char *plain = NULL;
    size_t plain_len = 0;
    int rc = wechat_xml_parse(resp->data, resp->len, &x);
    if (rc) {
        snprintf(err, errsz, "回复不是有效的 XML");
        goto done;
    }
    const char *enc = wechat_xml_get(x, "Encrypt");
    if (enc && key) {
        const char *parts[4] = {cfg->wechat.token, wechat_xml_get(x, "TimeStamp"),
                                wechat_xml_get(x, "Nonce"), enc};
        if (!parts[1] || !parts[2] ||
            wechat_sign_check(parts, 4, wechat_xml_get(x, "MsgSignature"))) {
            snprintf(err, errsz, "回复的 MsgSignature 校验失败");
            rc = ZB_ESIG;
            goto done;
        }
        rc = wechat_decrypt(key, enc, strlen(enc), cfg->wechat.app_id, &plain, &plain_len);
        if (!rc)
            rc = wechat_xml_parse(plain, plain_len, &inner);
        if (rc) {
            snprintf(err, errsz, "回复无法解密");
            goto done;
        }
    }
    *shown = shown_text(inner ? inner : x);
done:
    free(plain);
    wechat_xml_free(inner);
    wechat_xml_free(x);
    return rc;
}

int wechat_say(const struct config *cfg, const char *from, const char *text, char **shown,
               char *err, size_t errsz)
{
    unsigned char keybuf[WECHAT_KEY_LEN];
    const unsigned char *key = NULL;
    if (*cfg->wechat.encoding_aes_key) {
        if (wechat_key_decode(cfg->wechat.encoding_aes_key, keybuf)) {
            snprintf(err, errsz, "配置项 wechat.encoding_aes_key 不是 43 位字母数字");
            return ZB_ECONFIG;
        }
        key = keybuf;
    }
    char ts[24], nonce[24], sig[WECHAT_SIG_HEX], msg_sig[WECHAT_SIG_HEX] = "";
    snprintf(ts, sizeof ts, "%lld", (long long)clock_now());
    snprintf(nonce, sizeof nonce, "%u", (unsigned)(rand_u64() % 1000000000u));
    const char *parts[3] = {cfg->wechat.token, ts, nonce};
    wechat_sign(parts, 3, sig);

    struct buf body, resp;
    buf_init(&body, SAY_BODY_MAX);
    buf_init(&resp, SAY_BODY_MAX);
    CURL *curl = NULL;
    int rc = build_body(cfg, key, from, text, ts, nonce, &body, msg_sig);
    if (rc) {
        snprintf(err, errsz, "消息太长");
        goto done;
    }
    char base[300], url[1024];
    wechat_say_url(cfg, base, sizeof base);
    snprintf(url, sizeof url, "%s/wechat?signature=%s&timestamp=%s&nonce=%s&openid=%s%s%s", base,
             sig, ts, nonce, "say", key ? "&encrypt_type=aes&msg_signature=" : "", msg_sig);
    curl = curl_easy_init();
    if (!curl) {
        rc = ZB_EIO;
        snprintf(err, errsz, "libcurl 初始化失败");
        goto done;
    }
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: text/xml");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode cc = curl_easy_perform(curl);
    curl_slist_free_all(hdr);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK) {
        rc = ZB_EIO;
        snprintf(err, errsz, "无法连接 %s（%s）。服务是否已用 make run 或 zhibu serve 启动？", base,
                 curl_easy_strerror(cc));
        goto done;
    }
    if (status != 200) {
        rc = ZB_EIO;
        snprintf(err, errsz, "服务器返回 HTTP %ld：%.200s", status, buf_str(&resp));
        goto done;
    }
    rc = read_reply(cfg, key, &resp, shown, err, errsz);
done:
    curl_easy_cleanup(curl);
    buf_free(&body);
    buf_free(&resp);
    return rc;
}
