/* Unit tests for scan: filtering, byte-order sorting, odd entries. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "scan.h"
#include "path.h"

static char dir[] = "/tmp/noiseaug-scan-XXXXXX";

static void touch(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    assert_true(fd >= 0);
    close(fd);
}

static void in_dir(const char *what, const char *name, const char *target)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (strcmp(what, "dir") == 0)
        assert_int_equal(mkdir(path, 0755), 0);
    else
        assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    const char *files[] = { "b.jpg", "a.PNG", "Z.jpeg", ".hidden.jpg", "notes.txt",
                            "c.Tga", "d.gif", "e.hdr", "f.pgm", "g.ppm", "h.pnm",
                            "i.psd", "j.pic", "k.bmp", "noext", "\xc3\xa9t\xc3\xa9.jpg" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        touch(files[i]);
    in_dir("dir", "x.jpg", NULL);               /* a directory named like an image */
    in_dir("dir", "sub", NULL);                 /* a plain subdirectory */
    in_dir("link", "l.jpg", "b.jpg");           /* a symlink to a file */
    in_dir("link", "y.png", "missing.png");     /* a dangling symlink */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void lists_sorted_images(void **state)
{
    (void)state;
    scan_list_t list;
    assert_int_equal(scan_dir(dir, NULL, &list), 0);
    /* strcmp order: upper case before lower case, UTF-8 bytes last. */
    const char *want[] = { "Z.jpeg", "a.PNG", "b.jpg", "c.Tga", "d.gif", "e.hdr",
                           "f.pgm", "g.ppm", "h.pnm", "i.psd", "j.pic", "k.bmp",
                           "l.jpg", "\xc3\xa9t\xc3\xa9.jpg" };
    size_t n = sizeof want / sizeof want[0];
    assert_int_equal(list.count, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(list.names[i], want[i]);
    assert_int_equal(list.skipped, 2);  /* notes.txt, noext */
    assert_int_equal(list.reject_count, 2);
    assert_string_equal(list.rejects[0].name, "x.jpg");
    assert_string_equal(list.rejects[0].reason, "is a directory");
    assert_string_equal(list.rejects[1].name, "y.png");
    assert_string_equal(list.rejects[1].reason, "dangling symbolic link");
    scan_free(&list);
}

static void recursive_scan_mirrors_without_following_links(void **state)
{
    (void)state;
    /* tree/ gets images, a nested dir, a hidden dir and a link back up. */
    char path[256];
    const char *made[] = { "tree", "tree/deep", "tree/.hid" };
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, made[i]);
        assert_int_equal(mkdir(path, 0755), 0);
    }
    touch("tree/s.png");
    touch("tree/deep/d.jpg");
    touch("tree/.hid/h.jpg");
    snprintf(path, sizeof path, "%s/tree/loop", dir);
    assert_int_equal(symlink("..", path), 0);  /* would loop if followed */
    scan_list_t list;
    assert_int_equal(scan_dir(dir, &(scan_options_t){ .recursive = 1 }, &list), 0);
    /* x.jpg is a directory here, and empty: with -r it is descended into. */
    int saw_s = 0, saw_d = 0;
    for (size_t i = 0; i < list.count; i++) {
        assert_null(strstr(list.names[i], ".hid"));
        assert_null(strstr(list.names[i], "loop"));
        saw_s |= strcmp(list.names[i], "tree/s.png") == 0;
        saw_d |= strcmp(list.names[i], "tree/deep/d.jpg") == 0;
        if (i > 0)
            assert_true(strcmp(list.names[i - 1], list.names[i]) < 0);
    }
    assert_true(saw_s && saw_d);
    assert_int_equal(list.reject_count, 1);  /* only the dangling y.png */
    scan_free(&list);
}

static void list_keeps_order_and_filters(void **state)
{
    (void)state;
    char text[512];
    /* CRLF ends a line as LF does. */
    int n = snprintf(text, sizeof text, "%s/b.jpg\r\n\n%s/notes.txt\n%s/a.PNG\r\n%s/gone.jpg\n",
                     dir, dir, dir, dir);
    FILE *f = fmemopen(text, (size_t)n, "r");
    scan_list_t list;
    assert_int_equal(scan_from_list(f, NULL, &list), 0);
    fclose(f);
    assert_int_equal(list.count, 2);
    assert_true(strstr(list.names[0], "/b.jpg") != NULL);  /* list order, not sorted */
    assert_true(strstr(list.names[1], "/a.PNG") != NULL);
    /* Named on purpose, so not silently skipped: notes.txt is not an image
     * noiseaug reads, and gone.jpg does not exist. */
    assert_int_equal(list.skipped, 0);
    assert_int_equal(list.reject_count, 2);
    assert_true(strstr(list.rejects[0].reason, "'.txt' is not an image extension") != NULL ||
                strstr(list.rejects[1].reason, "'.txt' is not an image extension") != NULL);
    scan_free(&list);
    /* NUL-separated, with a newline inside a name. */
    static const char nul[] = "we\nird.jpg\0other.png\0";
    f = fmemopen((void *)nul, sizeof nul - 1, "r");
    assert_int_equal(scan_from_list(f, &(scan_options_t){ .nul_separated = 1 }, &list), 0);
    fclose(f);
    assert_int_equal(list.count + list.reject_count, 2);
    assert_string_equal(list.rejects[0].name, "other.png");
    assert_string_equal(list.rejects[1].name, "we\nird.jpg");
    scan_free(&list);
}

static void missing_directory_fails(void **state)
{
    (void)state;
    scan_list_t list;
    assert_int_equal(scan_dir("/nonexistent/noiseaug", NULL, &list), -1);
}

static void sort_is_bytewise(void **state)
{
    (void)state;
    char *names[] = { "b", "B", "a10", "a2", "\xff", "_" };
    scan_sort(names, 6);
    const char *want[] = { "B", "_", "a10", "a2", "b", "\xff" };
    for (int i = 0; i < 6; i++)
        assert_string_equal(names[i], want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_sorted_images),
        cmocka_unit_test(recursive_scan_mirrors_without_following_links),
        cmocka_unit_test(list_keeps_order_and_filters),
        cmocka_unit_test(missing_directory_fails),
        cmocka_unit_test(sort_is_bytewise),
    };
    return cmocka_run_group_tests_name("scan", tests, setup, teardown);
}
