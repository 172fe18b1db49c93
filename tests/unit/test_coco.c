/* Unit tests for coco: reading an instances file, refusing broken ones,
 * and the ids of the outputs' file. */
/* memmem() */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "coco.h"
#include "fileio.h"
#include "path.h"
#include "scratch.h"

/* Images 5 (two annotations), 7 (none) and 9 (one); a float that must
 * come back exactly as written. */
static const char sample[] =
    "{\"info\": {\"year\": 2017}, \"licenses\": [],\n"
    " \"images\": [{\"id\": 5, \"file_name\": \"a.jpg\", \"width\": 4, \"height\": 3, "
    "\"license\": 1},\n"
    "  {\"id\": 7, \"file_name\": \"./sub/b.png\", \"width\": 2, \"height\": 2},\n"
    "  {\"id\": 9, \"file_name\": \"c.jpg\", \"width\": 8, \"height\": 6}],\n"
    " \"annotations\": [{\"image_id\": 5, \"id\": 100, \"bbox\": [0.1, 2, 3, 4]},\n"
    "  {\"id\": 101, \"image_id\": 9, \"area\": 101.33333333333333},\n"
    "  {\"id\": 102, \"image_id\": 5, \"segmentation\": [[1.5, 2.25]]}],\n"
    " \"categories\": [{\"id\": 1, \"name\": \"ship\"}]}\n";

static char *put(const char *dir, const char *name, const char *text)
{
    char err[256];
    assert_int_equal(fileio_write_atomic(dir, name, (const unsigned char *)text, strlen(text),
                                         0644, err, sizeof err), 0);
    return path_join(dir, name);
}

static void reads_images_and_finds_them_by_name(void **state)
{
    char *path = put(*state, "i.json", sample), err[256];
    coco_t *c;
    assert_int_equal(coco_load(path, &c, err, sizeof err), 0);
    assert_int_equal(coco_image_count(c), 3);
    assert_int_equal(coco_find(c, "a.jpg"), 0);
    assert_int_equal(coco_find(c, "sub/b.png"), 1);   /* "./" is no part of the name */
    assert_int_equal(coco_find(c, "c.jpg"), 2);
    assert_int_equal(coco_find(c, "d.jpg"), -1);
    assert_string_equal(coco_image_file_name(c, 1), "./sub/b.png");
    coco_free(c);
    free(path);
}

static void expect_refused(const char *dir, const char *text, const char *reason)
{
    char *path = put(dir, "bad.json", text), err[256] = "";
    coco_t *c = NULL;
    assert_int_equal(coco_load(path, &c, err, sizeof err), -1);
    assert_null(c);
    if (strstr(err, reason) == NULL)
        fail_msg("%s: got \"%s\", want \"%s\"", text, err, reason);
    free(path);
}

static void broken_files_are_refused_with_a_reason(void **state)
{
    expect_refused(*state, "[1]", "not a JSON object");
    expect_refused(*state, "{\"images\": {}, \"annotations\": []}", "\"images\" is not an array");
    expect_refused(*state, "{\"images\": []}", "no \"images\" or no \"annotations\"");
    expect_refused(*state, "{\"images\": [{\"id\": 1, \"file_name\": \"a\"}], \"annotations\": [",
                   "not valid JSON");
    expect_refused(*state, "{\"images\": [{\"id\": 1}], \"annotations\": []}",
                   "an image without an integer \"id\" and a string \"file_name\"");
    expect_refused(*state, "{\"images\": [{\"id\": 1, \"file_name\": \"a\"}, {\"id\": 1, "
                   "\"file_name\": \"b\"}], \"annotations\": []}", "two images with the same");
    expect_refused(*state, "{\"images\": [{\"id\": 1, \"file_name\": \"a\"}], \"annotations\": "
                   "[{\"id\": 3, \"image_id\": 2}]}", "names image 2, which is not in");
    expect_refused(*state, "{\"images\": [], \"annotations\": []} x", "text after the object");
    expect_refused(*state, "{\"images\": [], \"annotations\": [], \"x\": [1,}",
                   "not valid JSON");
}

/* Loads path with jansson. */
static json_t *load_json(const char *path)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (doc == NULL)
        fail_msg("%s: %s", path, jerr.text);
    return doc;
}

/* Writes the outputs of inputs [from, to) of all three, two copies each. */
static char *write_part(const char *dir, const char *name, const coco_t *c, size_t from,
                        size_t to, int originals)
{
    /* Inputs in sorted order: a.jpg, c.jpg, extra.jpg (not in the file), sub/b.png. */
    long inputs[4] = { 0, 2, -1, 1 };
    size_t orig[4], n_orig = 0;
    coco_output_t outs[8];
    size_t n = 0;
    static const char *names[4][2] = { { "a_ps_0.jpg", "a_ps_1.jpg" },
                                       { "c_ps_0.jpg", "c_ps_1.jpg" },
                                       { "e_ps_0.jpg", "e_ps_1.jpg" },
                                       { "sub/b_ps_0.png", "sub/b_ps_1.png" } };
    for (size_t i = from; i < to; i++) {
        if (originals)
            orig[n_orig++] = i;
        for (unsigned k = 0; k < 2; k++)
            outs[n++] = (coco_output_t){ i, k, names[i][k], 10 + (unsigned)i, 20 };
    }
    char *path = path_join(dir, name), err[256];
    coco_written_t w;
    assert_int_equal(coco_write(c, path, inputs, 4, 2, orig, n_orig, outs, n, 0644, &w, err,
                                sizeof err), 0);
    return path;
}

static void outputs_get_fresh_ids_and_copies_of_their_annotations(void **state)
{
    char *path = put(*state, "i.json", sample), err[256];
    coco_t *c;
    assert_int_equal(coco_load(path, &c, err, sizeof err), 0);
    char *all = write_part(*state, "all.json", c, 0, 4, 0);
    json_t *doc = load_json(all);
    json_t *images = json_object_get(doc, "images"), *anns = json_object_get(doc, "annotations");
    /* 3 inputs in the file x 2 copies; 2 x (2 + 1 + 0) annotations. */
    assert_int_equal(json_array_size(images), 6);
    assert_int_equal(json_array_size(anns), 6);
    /* Ids: M = 9, so copy k of input i is 10 + 2i + k. */
    json_t *first = json_array_get(images, 0);
    assert_int_equal(json_integer_value(json_object_get(first, "id")), 10);
    assert_string_equal(json_string_value(json_object_get(first, "file_name")), "a_ps_0.jpg");
    assert_int_equal(json_integer_value(json_object_get(first, "license")), 1);
    assert_int_equal(json_integer_value(json_object_get(first, "width")), 10);
    json_t *b1 = json_array_get(images, 5);
    assert_int_equal(json_integer_value(json_object_get(b1, "id")), 10 + 2 * 3 + 1);
    /* A = 102; P = 0, 2, 3, 3: input 1 (c.jpg, one annotation) copy 1 gets
     * 103 + 2*2 + 1*1 + 0 = 108. */
    size_t i;
    json_t *a;
    int seen_c1 = 0;
    json_array_foreach(anns, i, a) {
        json_int_t image = json_integer_value(json_object_get(a, "image_id"));
        if (image == 10 + 2 * 1 + 1) {
            seen_c1 = 1;
            assert_int_equal(json_integer_value(json_object_get(a, "id")), 108);
            assert_true(json_real_value(json_object_get(a, "area")) == 101.33333333333333);
        }
    }
    assert_true(seen_c1);
    /* Every other member is the input's, byte for byte. */
    char *text;
    size_t len;
    assert_int_equal(fileio_read_all(all, (unsigned char **)&text, &len, err, sizeof err), 0);
    assert_non_null(memmem(text, len, "\"categories\": [{\"id\": 1, \"name\": \"ship\"}]", 40));
    assert_non_null(memmem(text, len, "\"bbox\": [0.1, 2, 3, 4]", 22));
    free(text);
    json_decref(doc);
    free(all);
    coco_free(c);
    free(path);
}

static void shards_never_collide_and_their_union_is_the_whole(void **state)
{
    char *path = put(*state, "i.json", sample), err[256];
    coco_t *c;
    assert_int_equal(coco_load(path, &c, err, sizeof err), 0);
    char *whole = write_part(*state, "w.json", c, 0, 4, 1);
    char *one = write_part(*state, "1.json", c, 0, 2, 1);
    char *two = write_part(*state, "2.json", c, 2, 4, 1);
    json_t *w = load_json(whole), *p1 = load_json(one), *p2 = load_json(two);
    const char *keys[2] = { "images", "annotations" };
    for (int k = 0; k < 2; k++) {
        json_t *merged = json_array();
        json_array_extend(merged, json_object_get(p1, keys[k]));
        json_array_extend(merged, json_object_get(p2, keys[k]));
        json_t *all = json_object_get(w, keys[k]);
        assert_int_equal(json_array_size(merged), json_array_size(all));
        /* Every entry of the whole is in the union, exactly once. */
        size_t i, j;
        json_t *x, *y;
        json_array_foreach(all, i, x) {
            int found = 0;
            json_array_foreach(merged, j, y) found += json_equal(x, y);
            assert_int_equal(found, 1);
        }
        json_decref(merged);
    }
    json_decref(w);
    json_decref(p1);
    json_decref(p2);
    free(whole);
    free(one);
    free(two);
    coco_free(c);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reads_images_and_finds_them_by_name, scratch_make,
                                        scratch_remove),
        cmocka_unit_test_setup_teardown(broken_files_are_refused_with_a_reason, scratch_make,
                                        scratch_remove),
        cmocka_unit_test_setup_teardown(outputs_get_fresh_ids_and_copies_of_their_annotations,
                                        scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(shards_never_collide_and_their_union_is_the_whole,
                                        scratch_make, scratch_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
