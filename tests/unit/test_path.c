/* Unit tests for path: joining, mirroring under OUT_DIR, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "path.h"

static void expect_join(const char *a, const char *b, const char *want)
{
    char *got = path_join(a, b);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void joins_with_one_slash_and_skips_empty_parts(void **state)
{
    (void)state;
    expect_join("out", "a.jpg", "out/a.jpg");
    expect_join("out/", "a.jpg", "out/a.jpg");  /* a trailing slash is not doubled */
    expect_join("/", "a.jpg", "/a.jpg");
    expect_join("", "a.jpg", "a.jpg");
    expect_join("out", "", "out");
    expect_join("", "", "");
    char *three = path_join3("out", "", "a.jpg");
    assert_string_equal(three, "out/a.jpg");
    free(three);
    three = path_join3("out/", "x/y", "a.jpg");
    assert_string_equal(three, "out/x/y/a.jpg");
    free(three);
}

static void expect_mirror(const char *name, const char *want)
{
    errno = 0;
    char *got = path_mirror_dir(name);
    if (want == NULL) {
        assert_null(got);
        assert_int_equal(errno, EINVAL);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void mirrors_inside_out_dir_and_refuses_dotdot(void **state)
{
    (void)state;
    expect_mirror("a.jpg", "");
    expect_mirror("x/a.jpg", "x");
    expect_mirror("x/y/a.jpg", "x/y");
    expect_mirror("/abs/x/a.jpg", "abs/x");     /* an absolute path stays inside */
    expect_mirror("./x/./a.jpg", "x");
    expect_mirror("x//y/a.jpg", "x/y");
    expect_mirror("../a.jpg", NULL);
    expect_mirror("x/../../a.jpg", NULL);
    expect_mirror("x/..y/a.jpg", "x/..y");      /* only a whole ".." component */
    expect_mirror("..a/b.jpg", "..a");
}

static void names_stems_and_extensions(void **state)
{
    (void)state;
    assert_string_equal(path_basename("x/y/a.jpg"), "a.jpg");
    assert_string_equal(path_basename("a.jpg"), "a.jpg");
    assert_string_equal(path_ext("a.b.JPG"), "JPG");
    assert_string_equal(path_ext("noext"), "");
    assert_string_equal(path_ext(".bashrc"), "");
    const struct { const char *name, *stem; } stems[] = {
        { "a.b.jpg", "a.b" }, { "noext", "noext" }, { "dir.d/x.png", "x" },
        { "dir.d/noext", "noext" }, { ".hidden", ".hidden" },
        { "trailing.", "trailing." },  /* an empty extension is none: the dot stays */
    };
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
        char *s = path_stem(stems[i].name);
        assert_non_null(s);
        assert_string_equal(s, stems[i].stem);
        free(s);
    }
}

static void dir_is_what_dirname_gives(void **state)
{
    (void)state;
    const char *cases[][2] = { { "a.jpg", "." }, { "/a.jpg", "/" }, { "out/a.jpg", "out" },
                               { "/x/y/a.json", "/x/y" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = path_dir(cases[i][0]);
        assert_non_null(got);
        assert_string_equal(got, cases[i][1]);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dir_is_what_dirname_gives),
        cmocka_unit_test(joins_with_one_slash_and_skips_empty_parts),
        cmocka_unit_test(mirrors_inside_out_dir_and_refuses_dotdot),
        cmocka_unit_test(names_stems_and_extensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
