/* Unit tests for output: paths, free names, labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "output.h"
#include "path.h"
#include "scratch.h"

static void paths_are_made_once_with_mirrored_folders(void **state)
{
    (void)state;
    output_paths_t p;
    char err[256];
    output_layout_t in_dir = { "in", "out/", "in", 0 };
    assert_int_equal(output_paths_make(&p, &in_dir, "x/y/a.jpg", "a_add_b.jpg",
                                       "z/b.png", err, sizeof err), 0);
    assert_string_equal(p.in_path, "in/x/y/a.jpg");
    assert_string_equal(p.partner_path, "in/z/b.png");
    assert_string_equal(p.subdir, "x/y");
    assert_string_equal(p.out_dir, "out/x/y");
    assert_string_equal(p.out_path, "out/x/y/a_add_b.jpg");
    output_paths_free(&p);
    /* Listed inputs (no IN_DIR) are opened as listed, mirrored inside. */
    output_layout_t listed = { NULL, "out", NULL, 0 };
    assert_int_equal(output_paths_make(&p, &listed, "/data/a.jpg", "a_ps.jpg", NULL,
                                       err, sizeof err), 0);
    assert_string_equal(p.in_path, "/data/a.jpg");
    assert_null(p.partner_path);
    assert_string_equal(p.out_path, "out/data/a_ps.jpg");
    output_paths_free(&p);
    /* Image operands land straight in OUT_DIR, as cp puts them; partners
     * from --partners DIR are found there. */
    output_layout_t operands = { NULL, "out", "bg", 1 };
    assert_int_equal(output_paths_make(&p, &operands, "/data/x/a.jpg", "a_add_c.jpg", "c.png",
                                       err, sizeof err), 0);
    assert_string_equal(p.out_path, "out/a_add_c.jpg");
    assert_string_equal(p.partner_path, "bg/c.png");
    assert_string_equal(p.subdir, "");
    output_paths_free(&p);
}

static void dotdot_is_refused_but_the_input_is_still_named(void **state)
{
    (void)state;
    output_paths_t p;
    char err[256];
    output_layout_t listed = { NULL, "out", NULL, 0 };
    assert_int_equal(output_paths_make(&p, &listed, "../a.jpg", "a_ps.jpg", NULL,
                                       err, sizeof err), -1);
    assert_string_equal(err, "path has a '..' component, which would lead out of the output "
                             "folder; not processed");
    assert_string_equal(p.in_path, "../a.jpg");
    assert_null(p.out_path);
    output_paths_free(&p);
}

static void two_inputs_never_share_an_output_name(void **state)
{
    (void)state;
    char *inputs[] = { "a.gif", "a.png" };
    output_names_t names;
    char err[256];
    assert_int_equal(output_names_init(&names, inputs, 2, NULL, 0), 0);
    assert_int_equal(output_names_claim(&names, "", "a_ps.png", 0, err, sizeof err), 0);
    assert_int_equal(output_names_claim(&names, "", "a_ps.png", 1, err, sizeof err), -1);
    assert_string_equal(err, "output name a_ps.png is already taken by a.gif; not written");
    /* The same name in another folder is another file. */
    assert_int_equal(output_names_claim(&names, "sub", "a_ps.png", 1, err, sizeof err), 0);
    output_names_free(&names);
}

static void in_place_no_output_takes_an_inputs_name(void **state)
{
    (void)state;
    /* "./b_ps.png" names the file that the output b_ps.png would replace. */
    char *inputs[] = { "b.png", "./b_ps.png", "../up.png" };
    output_names_t names;
    char err[256];
    assert_int_equal(output_names_init(&names, inputs, 3, NULL, 1), 0);
    assert_int_equal(output_names_claim(&names, "", "b_ps.png", 0, err, sizeof err), -1);
    assert_string_equal(err, "output name b_ps.png is an input file; not overwritten");
    assert_int_equal(output_names_claim(&names, "", "b_mixGauss.png", 0, err, sizeof err), 0);
    output_names_free(&names);
    /* Not in place, the same name is free. */
    assert_int_equal(output_names_init(&names, inputs, 3, NULL, 0), 0);
    assert_int_equal(output_names_claim(&names, "", "b_ps.png", 0, err, sizeof err), 0);
    output_names_free(&names);
}

/* A renamed output (a partner drawn again) needs no claim when no other
 * input can ever write its name. */
static void a_name_no_other_input_can_write_is_unique(void **state)
{
    (void)state;
    char *inputs[] = { "a.jpg", "b.png", "a_add.jpg", "sub/c.jpg", "a.gif", "x_mix_b.png" };
    output_names_t names;
    assert_int_equal(output_names_init(&names, inputs, 6, NULL, 0), 0);
    assert_true(output_name_is_unique(&names, "", "b_add_c.png", 1));
    assert_true(output_name_is_unique(&names, "sub", "c_add_b.jpg", 3));
    /* a_add.jpg writes a_add_<tag>.jpg: a_add_add_c.jpg could be its, with
     * the partner c; a.jpg could write it only with a partner add_c. */
    assert_false(output_name_is_unique(&names, "", "a_add_add_c.jpg", 0));
    assert_true(output_name_is_unique(&names, "", "a_add_add_c.jpg", 2));
    /* a.jpg and a.gif share the stem a, but a.gif's outputs are PNGs. */
    assert_true(output_name_is_unique(&names, "", "a_mix_b.jpg", 0));
    assert_false(output_name_is_unique(&names, "", "a_mix_b.png", 0));
    /* cat.png and cat_2.png: cat_2's outputs are never cat's (2_... is no
     * tag), but a copy index is: cat_add_b_2 could be cat's copy 2. */
    assert_true(output_name_is_unique(&names, "", "b_2_add_a.png", 1));
    /* An input's own file name (an original, or in place). */
    assert_false(output_name_is_unique(&names, "", "x_mix_b.png", 1));
    /* Folders are separate: sub has only c. */
    assert_true(output_name_is_unique(&names, "sub", "c_add_a.jpg", 3));
    assert_false(output_name_is_unique(&names, "sub", "c_add_a.jpg", 0));
    output_names_free(&names);
    /* With labels, named by the stem alone, the extension no longer tells
     * outputs apart, and an input's stem is a label's name. */
    assert_int_equal(output_names_init(&names, inputs, 6, NULL, 0), 0);
    output_names_configure(&names, -1, 1);
    assert_false(output_name_is_unique(&names, "", "a_mix_b.jpg", 0));
    assert_false(output_name_is_unique(&names, "", "x_mix_b.jpg", 1));
    assert_true(output_name_is_unique(&names, "", "b_add_c.png", 1));
    output_names_free(&names);
    /* With --format png, a.jpg's outputs are PNGs too. */
    assert_int_equal(output_names_init(&names, inputs, 6, NULL, 0), 0);
    output_names_configure(&names, 1 /* CODEC_PNG */, 0);
    assert_false(output_name_is_unique(&names, "", "a_mix_b.png", 4));
    output_names_free(&names);
}

/* Labels are named by output stem: two outputs of one stem never share
 * one, and beside the inputs' labels no output takes an input's. */
static void labels_are_claimed_by_stem(void **state)
{
    (void)state;
    char *inputs[] = { "a.png", "a_ps.gif", "c.png" };
    output_names_t names;
    char err[256];
    assert_int_equal(output_names_init(&names, inputs, 3, NULL, 0), 0);
    output_names_configure(&names, -1, 1);
    assert_int_equal(output_names_claim_label(&names, "", "a_ps.png", 0, err, sizeof err), 0);
    assert_int_equal(output_names_claim_label(&names, "", "a_ps.gif", 1, err, sizeof err), -1);
    assert_string_equal(err, "a_ps.gif would share the label name a_ps with an output of a.png; "
                        "not written");
    output_names_free(&names);
    assert_int_equal(output_names_init(&names, inputs, 3, NULL, 0), 0);
    output_names_configure(&names, -1, 1);
    assert_int_equal(output_names_reserve_labels(&names), 0);
    assert_int_equal(output_names_claim_label(&names, "", "a_ps.jpg", 0, err, sizeof err), -1);
    assert_string_equal(err, "the labels of a_ps.jpg would replace those of the input a_ps.gif; "
                        "not written");
    /* An input's own label, as its copied original's: its own. */
    assert_int_equal(output_names_claim_label(&names, "", "c.png", 2, err, sizeof err), 0);
    output_names_free(&names);
}

static void put(const char *dir, const char *name, const char *text)
{
    char err[256];
    assert_int_equal(fileio_mkdir_p(dir), 0);
    assert_int_equal(fileio_write_atomic(dir, name, (const unsigned char *)text, strlen(text),
                                         0644, err, sizeof err), 0);
}

/* The last guard knows inputs by file, not by name: a hard link and a
 * symbolic link to an input are that input. */
static void inputs_are_known_by_device_and_inode(void **state)
{
    put(*state, "a.png", "image a");
    put(*state, "b.png", "image b");
    char *a = path_join(*state, "a.png"), *hard = path_join(*state, "hard.png");
    char *soft = path_join(*state, "soft.png"), *b = path_join(*state, "b.png");
    assert_int_equal(link(a, hard), 0);
    assert_int_equal(symlink(a, soft), 0);
    char *inputs[] = { "a.png", "missing.png" };
    output_names_t names;
    assert_int_equal(output_names_init(&names, inputs, 2, *state, 0), 0);
    assert_true(output_names_is_input(&names, a));
    assert_true(output_names_is_input(&names, hard));
    assert_true(output_names_is_input(&names, soft));
    assert_false(output_names_is_input(&names, b));
    output_names_free(&names);
    free(a);
    free(hard);
    free(soft);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_are_made_once_with_mirrored_folders),
        cmocka_unit_test(dotdot_is_refused_but_the_input_is_still_named),
        cmocka_unit_test(two_inputs_never_share_an_output_name),
        cmocka_unit_test(in_place_no_output_takes_an_inputs_name),
        cmocka_unit_test(a_name_no_other_input_can_write_is_unique),
        cmocka_unit_test(labels_are_claimed_by_stem),
        cmocka_unit_test_setup_teardown(inputs_are_known_by_device_and_inode, scratch_make,
                                        scratch_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
