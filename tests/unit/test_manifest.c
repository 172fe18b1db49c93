/* Unit tests for manifest: JSON string escaping and record layout. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "imgmeta.h"
#include "manifest.h"

/* manifest_write_string(s) as a C string. */
static char *escaped(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    manifest_write_string(f, s);
    fclose(f);
    return buf;
}

static void assert_escape(const char *in, const char *want)
{
    char *got = escaped(in);
    assert_string_equal(got, want);
    free(got);
}

static void escapes_specials_and_controls(void **state)
{
    (void)state;
    assert_escape("a.jpg", "\"a.jpg\"");
    assert_escape("say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"");
    assert_escape("a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\"");
    assert_escape("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
    assert_escape("/slash/", "\"/slash/\"");
}

static void keeps_utf8_and_escapes_invalid_bytes(void **state)
{
    (void)state;
    /* Valid: é (2 bytes), € (3), 😀 (4). */
    assert_escape("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    /* Invalid: a lone continuation byte, a truncated sequence, an overlong
     * '/', a surrogate, and a byte that never appears in UTF-8. */
    assert_escape("a\x80" "b", "\"a\\udc80b\"");
    assert_escape("\xc3", "\"\\udcc3\"");
    assert_escape("\xc0\xaf", "\"\\udcc0\\udcaf\"");
    assert_escape("\xed\xa0\x80", "\"\\udced\\udca0\\udc80\"");
    assert_escape("\xff", "\"\\udcff\"");
}

static void record_layout(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    manifest_record_t r = {
        .input = "in/a.jpg", .output = "out/a_add_b.jpg", .mode = "addPic",
        .has_strength = 1, .strength = 0.1, .partner = "b.jpg",
        .seed = 18446744073709551615ull, .copy = 2, .width = 4, .height = 3,
        .channels = 3, .bits = 8, .status = "ok", .error = NULL, .encoder = "stb",
        .metadata_known = 1, .metadata = META_ICC | META_EXIF,
    };
    assert_int_equal(manifest_write(f, &r), 0);
    fclose(f);
    assert_string_equal(buf,
        "{\"input\":\"in/a.jpg\",\"output\":\"out/a_add_b.jpg\",\"mode\":\"addPic\","
        "\"strength\":0.10000000000000001,\"partner\":\"b.jpg\","
        "\"seed\":\"18446744073709551615\",\"copy\":2,\"width\":4,\"height\":3,"
        "\"channels\":3,\"bits\":8,\"status\":\"ok\",\"error\":null,\"encoder\":\"stb\","
        "\"metadata\":[\"icc\",\"exif\"]}\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_specials_and_controls),
        cmocka_unit_test(keeps_utf8_and_escapes_invalid_bytes),
        cmocka_unit_test(record_layout),
    };
    return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
