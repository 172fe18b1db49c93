/* Unit tests for labels: which files travel with an output, and how. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "labelfmt.h"
#include "labels.h"
#include "path.h"
#include "scratch.h"

static void put(const char *dir, const char *name, const char *text, size_t len)
{
    char err[256];
    assert_int_equal(fileio_mkdir_p(dir), 0);
    assert_int_equal(fileio_write_atomic(dir, name, (const unsigned char *)text, len, 0644, err,
                                         sizeof err), 0);
}

static char *read_text(const char *dir, const char *name)
{
    char *path = path_join(dir, name), err[256];
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = fileio_read_all(path, &data, &len, err, sizeof err);
    free(path);
    if (rc != 0)
        return NULL;
    char *text = realloc(data, len + 1);
    text[len] = '\0';
    return text;
}

/* A 2x1 grey PGM: the smallest image the codec reads, so that labels can
 * state its size and bytes. */
static const char pgm[] = "P5\n2 1\n255\n\x10\x20";

static void labels_follow_the_output_name_and_folder(void **state)
{
    char *labels_dir = path_join(*state, "labels"), *sub = path_join(labels_dir, "x");
    char *out = path_join(*state, "out"), *out_sub = path_join(out, "x");
    char *image = path_join(out_sub, "a_ps.pgm");
    put(out_sub, "a_ps.pgm", pgm, sizeof pgm - 1);
    put(sub, "a.txt", "0 0.5 0.5 0.1 0.1\n", 18);
    put(sub, "a.npy", "\x93NUMPY\0\1", 8);
    put(sub, "a.xml", "<annotation><filename>a.pgm</filename></annotation>", 51);
    char *const exts[] = { ".txt", ".json", ".xml", ".npy" };
    labels_config_t labels = { labels_dir, out, exts, 4, 0, 0644 };
    assert_int_equal(labels_count(&labels, "x", "x/a.pgm"), 3);
    assert_int_equal(labels_count(&labels, "x", "x/b.pgm"), 0);
    labels_result_t res;
    char err[256];
    assert_int_equal(labels_write(&labels, "x", "x/a.pgm", "a_ps.pgm", image, &res, err,
                                  sizeof err), 0);
    assert_int_equal(res.files, 3);
    assert_string_equal(res.bad_path, "");
    char *txt = read_text(out_sub, "a_ps.txt"), *xml = read_text(out_sub, "a_ps.xml");
    assert_string_equal(txt, "0 0.5 0.5 0.1 0.1\n");
    assert_non_null(strstr(xml, "<filename>a_ps.pgm</filename>"));
    assert_non_null(strstr(xml, "<width>2</width>"));
    assert_non_null(strstr(xml, "<height>1</height>"));
    assert_non_null(strstr(xml, "<depth>1</depth>"));
    char *npy = path_join(out_sub, "a_ps.npy");
    unsigned char *data;
    size_t len;
    assert_int_equal(fileio_read_all(npy, &data, &len, err, sizeof err), 0);
    assert_int_equal(len, 8);
    assert_memory_equal(data, "\x93NUMPY\0\1", 8);
    free(data);
    free(npy);
    free(txt);
    free(xml);
    free(labels_dir);
    free(sub);
    free(out);
    free(out_sub);
    free(image);
}

static void a_label_that_does_not_parse_is_named_and_left_out(void **state)
{
    char *labels_dir = path_join(*state, "labels"), *out = path_join(*state, "out");
    char *image = path_join(out, "a_ps.pgm");
    put(out, "a_ps.pgm", pgm, sizeof pgm - 1);
    put(labels_dir, "a.json", "{\"imagePath\": ", 14);
    put(labels_dir, "a.txt", "0 1 1 1 1\n", 10);
    char *const exts[] = { ".txt", ".json" };
    labels_config_t labels = { labels_dir, out, exts, 2, 0, 0644 };
    labels_result_t res;
    char err[256];
    assert_int_equal(labels_write(&labels, "", "a.pgm", "a_ps.pgm", image, &res, err,
                                  sizeof err), 0);
    assert_int_equal(res.files, 1);
    assert_non_null(strstr(res.bad_path, "a.json"));
    assert_non_null(strstr(res.bad_reason, "not valid JSON"));
    char *json = read_text(out, "a_ps.json");
    assert_null(json);
    free(labels_dir);
    free(out);
    free(image);
}

int main(void)
{
    labelfmt_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(labels_follow_the_output_name_and_folder, scratch_make,
                                        scratch_remove),
        cmocka_unit_test_setup_teardown(a_label_that_does_not_parse_is_named_and_left_out,
                                        scratch_make, scratch_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
