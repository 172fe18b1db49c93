/* Unit tests for scan: filtering, byte-order sorting, odd entries. */
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
    assert_int_equal(scan_dir(dir, 0, &list), 0);
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
    assert_int_equal(scan_find(list.names, list.count, "l.jpg"), 12);
    assert_int_equal(scan_find(list.names, list.count, "nope.jpg"), -1);
    scan_free(&list);
}

static void missing_directory_fails(void **state)
{
    (void)state;
    scan_list_t list;
    assert_int_equal(scan_dir("/nonexistent/noiseaug", 0, &list), -1);
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

static void extensions(void **state)
{
    (void)state;
    assert_string_equal(scan_ext("a.b.JPG"), "JPG");
    assert_string_equal(scan_ext("noext"), "");
    assert_string_equal(scan_ext(".bashrc"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_sorted_images),
        cmocka_unit_test(missing_directory_fails),
        cmocka_unit_test(sort_is_bytewise),
        cmocka_unit_test(extensions),
    };
    return cmocka_run_group_tests_name("scan", tests, setup, teardown);
}
