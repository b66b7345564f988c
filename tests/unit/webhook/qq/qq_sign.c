/*
 * tests/unit/webhook/qq_sign.c - known-answer and negative tests for webhook/qq_sign.c.
 *
 * Vectors from shared/protocols/qq.md section 3: V1 (op 13 validation signature and the
 * derived public key), V3 (seed and public key of the key-derivation demo), V5 (HMAC-SHA1: RFC
 * 2202 case 2, the "quick brown fox" vector, and the OneBot private-message example). V4 is
 * marked NOT VERIFIABLE there and is checked only to be *rejected*. Negative cases: tampered
 * body and timestamp, swapped order, malformed hex, bad length, the sig[63] & 0xE0 rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/qq/qq_sign.h"

/* V1 */
static const char V1_SECRET[] = "DG5g3B4j9X2KOErG";
static const char V1_SEED[] = "DG5g3B4j9X2KOErGDG5g3B4j9X2KOErG";
static const char V1_TS[] = "1725442341";
static const char V1_TOKEN[] = "Arq0D5A61EgUu4OxUvOp";
static const char V1_SIG[] = "87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d0"
                             "1bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706";
static const char V1_PK[] = "8b28ded5630f9051c205dd04c6ec56ad0b08b8812b2fe30ee9aece0ab41926f3";

/* V3 */
static const char V3_SECRET[] = "naOC0ocQE3shWLAfffVLB1rhYPG7";
static const char V3_SEED[] = "naOC0ocQE3shWLAfffVLB1rhYPG7naOC";
static const unsigned char V3_PK[32] = {215, 195, 98, 254, 120, 174, 248, 31,  242, 50,  135,
                                        180, 147, 98, 139, 93,  176, 42,  60,  79,  227, 11,
                                        33,  94,  77, 25,  96,  155, 93,  118, 103, 58};

/* V4 (not verifiable: must be rejected) */
static const char V4_BODY[] = "{ \"op\": 0,\"d\": {}, \"t\": \"GATEWAY_EVENT_NAME\"}";
static const char V4_SIG[] = "865ad13a61752ca65e26bde6676459cd36cf1be609375b37bd62af366e1dc25a"
                             "8dc789ba7f14e017ada3d554c671a911bfdf075ba54835b23391d509579ed002";
static const char V4_SIG_COMPUTED[] =
    "2eb9983ebb8bb209e78fd095942f58e442656656e7975d01e64f9023a84b7c96"
    "4290fdd40e5500c33867ccfe9563b7e0b6bac0e1d42c13e787b304fd51f71102";

/* V5 */
static const char V5_BODY[] =
    "{\"time\":1515204254,\"self_id\":10001000,\"post_type\":\"message\",\"message_type\":"
    "\"private\",\"sub_type\":\"friend\",\"message_id\":12,\"user_id\":12345678,\"message\":"
    "\"你好～\",\"raw_message\":\"你好～\",\"font\":456,\"sender\":{\"nickname\":\"小不点\","
    "\"sex\":\"male\",\"age\":18}}";

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void test_hmac_vectors(void **state)
{
    (void)state;
    char out[ONEBOT_SIG_HEX];
    const char *rfc = "what do ya want for nothing?";
    onebot_sign("Jefe", rfc, strlen(rfc), out);
    assert_string_equal(out, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    const char *fox = "The quick brown fox jumps over the lazy dog";
    onebot_sign("key", fox, strlen(fox), out);
    assert_string_equal(out, "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
    assert_int_equal(strlen(V5_BODY), 255);
    onebot_sign("some-secret", V5_BODY, strlen(V5_BODY), out);
    assert_string_equal(out, "510ce9f5526c221195709b5032496d265df75d29");
}

static void test_hmac_check(void **state)
{
    (void)state;
    size_t n = strlen(V5_BODY);
    const char *ok = "sha1=510ce9f5526c221195709b5032496d265df75d29";
    assert_int_equal(onebot_sig_check("some-secret", V5_BODY, n, ok), ZB_OK);
    /* upper-case hex is the same digest */
    assert_int_equal(onebot_sig_check("some-secret", V5_BODY, n,
                                      "sha1=510CE9F5526C221195709B5032496D265DF75D29"),
                     ZB_OK);
    /* wrong secret, changed body, truncated body */
    assert_int_equal(onebot_sig_check("some-secreT", V5_BODY, n, ok), ZB_ESIG);
    char body[300];
    memcpy(body, V5_BODY, n + 1);
    body[20] ^= 1;
    assert_int_equal(onebot_sig_check("some-secret", body, n, ok), ZB_ESIG);
    assert_int_equal(onebot_sig_check("some-secret", V5_BODY, n - 1, ok), ZB_ESIG);
    /* malformed headers */
    const char *bad[] = {NULL,
                         "",
                         "510ce9f5526c221195709b5032496d265df75d29",
                         "sha256=510ce9f5526c221195709b5032496d265df75d29",
                         "SHA1=510ce9f5526c221195709b5032496d265df75d29",
                         "sha1=510ce9f5526c221195709b5032496d265df75d2",
                         "sha1=510ce9f5526c221195709b5032496d265df75d299",
                         "sha1=510ce9f5526c221195709b5032496d265df75d2g",
                         "sha1= 510ce9f5526c221195709b5032496d265df75d29",
                         "sha1=510ce9f5526c221195709b5032496d265df75d29 "};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(onebot_sig_check("some-secret", V5_BODY, n, bad[i]), ZB_ESIG);
}

static void test_seed(void **state)
{
    (void)state;
    unsigned char seed[QQBOT_SEED_LEN];
    qqbot_seed(V1_SECRET, seed);
    assert_memory_equal(seed, V1_SEED, 32);
    qqbot_seed(V3_SECRET, seed);
    assert_memory_equal(seed, V3_SEED, 32);
    /* shorter than 16 bytes: repeated more than twice (Koishi's single append would differ) */
    qqbot_seed("abc", seed);
    assert_memory_equal(seed, "abcabcabcabcabcabcabcabcabcabcab", 32);
    /* longer than 32: cut */
    qqbot_seed("0123456789abcdefghijklmnopqrstuvwxyz", seed);
    assert_memory_equal(seed, "0123456789abcdefghijklmnopqrstuv", 32);
    /* exactly 32: itself */
    qqbot_seed(V1_SEED, seed);
    assert_memory_equal(seed, V1_SEED, 32);
}

static void test_v3_public_key(void **state)
{
    (void)state;
    unsigned char pk[QQBOT_PK_LEN], sk[QQBOT_SK_LEN];
    assert_int_equal(qqbot_keys(V3_SECRET, pk, sk), ZB_OK);
    assert_memory_equal(pk, V3_PK, 32);
    /* libsodium's secret key is the docs' Go private key: the seed, then the public key */
    assert_memory_equal(sk, V3_SEED, 32);
    assert_memory_equal(sk + 32, V3_PK, 32);
}

static void test_v1_validation(void **state)
{
    (void)state;
    unsigned char pk[QQBOT_PK_LEN], sk[QQBOT_SK_LEN];
    char pkhex[65], sig[QQBOT_SIG_HEX];
    assert_int_equal(qqbot_keys(V1_SECRET, pk, sk), ZB_OK);
    hex(pk, sizeof pk, pkhex);
    assert_string_equal(pkhex, V1_PK);
    qqbot_sign_hex(sk, V1_TS, strlen(V1_TS), V1_TOKEN, strlen(V1_TOKEN), sig);
    assert_string_equal(sig, V1_SIG);
    /* and it verifies as a callback signature over the same bytes */
    assert_int_equal(qqbot_verify(pk, V1_TS, V1_TOKEN, strlen(V1_TOKEN), V1_SIG), ZB_OK);
}

static void test_verify_negative(void **state)
{
    (void)state;
    unsigned char pk[QQBOT_PK_LEN], sk[QQBOT_SK_LEN], pk2[QQBOT_PK_LEN], sk2[QQBOT_SK_LEN];
    assert_int_equal(qqbot_keys(V3_SECRET, pk, sk), ZB_OK);
    assert_int_equal(qqbot_keys(V1_SECRET, pk2, sk2), ZB_OK);
    const char *body = "{\"op\":0,\"d\":{\"content\":\"哦一下\"},\"t\":\"C2C_MESSAGE_CREATE\"}";
    size_t n = strlen(body);
    char sig[QQBOT_SIG_HEX], bad[QQBOT_SIG_HEX + 2];
    qqbot_sign_hex(sk, "1725442341", 10, body, n, sig);
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n, sig), ZB_OK);
    /* upper-case hex decodes to the same signature */
    for (size_t i = 0; i < 128; i++)
        bad[i] = (char)(sig[i] >= 'a' ? sig[i] - 32 : sig[i]);
    bad[128] = '\0';
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n, bad), ZB_OK);
    /* another key, another timestamp, a changed or shortened body, missing parts */
    assert_int_equal(qqbot_verify(pk2, "1725442341", body, n, sig), ZB_ESIG);
    assert_int_equal(qqbot_verify(pk, "1725442342", body, n, sig), ZB_ESIG);
    assert_int_equal(qqbot_verify(pk, "", body, n, sig), ZB_ESIG);
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n - 1, sig), ZB_ESIG);
    assert_int_equal(qqbot_verify(pk, NULL, body, n, sig), ZB_ESIG);
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n, NULL), ZB_ESIG);
    /* the timestamp is a prefix of the signed bytes, not a suffix */
    char swapped[200];
    snprintf(swapped, sizeof swapped, "%s1725442341", body);
    assert_int_equal(qqbot_verify(pk, "", swapped, strlen(swapped), sig), ZB_ESIG);
    /* the signed bytes are a plain concatenation: moving a byte from the timestamp to the
     * body is the same message (why op 13 answers must never sign a '{' - see qqbot.c) */
    char moved[200];
    snprintf(moved, sizeof moved, "1%s", body);
    assert_int_equal(qqbot_verify(pk, "172544234", moved, n + 1, sig), ZB_OK);
    /* malformed hex: short, long, non-hex, empty */
    memcpy(bad, sig, sizeof sig);
    bad[127] = '\0';
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n, bad), ZB_ESIG);
    snprintf(bad, sizeof bad, "%s0", sig);
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n, bad), ZB_ESIG);
    memcpy(bad, sig, sizeof sig);
    bad[5] = 'x';
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n, bad), ZB_ESIG);
    assert_int_equal(qqbot_verify(pk, "1725442341", body, n, ""), ZB_ESIG);
    /* a flipped bit anywhere */
    for (size_t i = 0; i < 128; i += 7) {
        memcpy(bad, sig, sizeof sig);
        bad[i] = bad[i] == '0' ? '1' : '0';
        assert_int_equal(qqbot_verify(pk, "1725442341", body, n, bad), ZB_ESIG);
    }
}

/* sig[63] & 0xE0 != 0 is refused before verification (S would not be reduced mod L). */
static void test_verify_high_bits(void **state)
{
    (void)state;
    unsigned char pk[QQBOT_PK_LEN], sk[QQBOT_SK_LEN];
    assert_int_equal(qqbot_keys(V1_SECRET, pk, sk), ZB_OK);
    char sig[QQBOT_SIG_HEX];
    memcpy(sig, V1_SIG, sizeof sig);
    assert_int_equal(qqbot_verify(pk, V1_TS, V1_TOKEN, strlen(V1_TOKEN), sig), ZB_OK);
    const char *tops[] = {"2", "4", "8", "e", "f"};
    for (size_t i = 0; i < sizeof tops / sizeof *tops; i++) {
        sig[126] = tops[i][0]; /* high nibble of byte 63 */
        assert_int_equal(qqbot_verify(pk, V1_TS, V1_TOKEN, strlen(V1_TOKEN), sig), ZB_ESIG);
    }
}

static void test_v4_rejected(void **state)
{
    (void)state;
    unsigned char pk[QQBOT_PK_LEN], sk[QQBOT_SK_LEN];
    char sig[QQBOT_SIG_HEX];
    assert_int_equal(qqbot_keys(V3_SECRET, pk, sk), ZB_OK);
    assert_int_equal(qqbot_verify(pk, "1725442341", V4_BODY, strlen(V4_BODY), V4_SIG), ZB_ESIG);
    /* the signature computed for the body as printed does verify */
    qqbot_sign_hex(sk, "1725442341", 10, V4_BODY, strlen(V4_BODY), sig);
    assert_string_equal(sig, V4_SIG_COMPUTED);
    assert_int_equal(qqbot_verify(pk, "1725442341", V4_BODY, strlen(V4_BODY), V4_SIG_COMPUTED),
                     ZB_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_vectors),
        cmocka_unit_test(test_hmac_check),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_v3_public_key),
        cmocka_unit_test(test_v1_validation),
        cmocka_unit_test(test_verify_negative),
        cmocka_unit_test(test_verify_high_bits),
        cmocka_unit_test(test_v4_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
