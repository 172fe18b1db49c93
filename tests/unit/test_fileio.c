/* Unit tests for fileio: mkdir -p on odd paths, atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "path.h"
#include "scratch.h"

/* Regression: "" used to be walked from its second byte, past the end of
 * the string (a heap overflow under ASan: noiseaug --seed 1 in ""). */
static void mkdir_p_refuses_the_empty_path(void **state)
{
    (void)state;
    errno = 0;
    assert_int_equal(fileio_mkdir_p(""), -1);
    assert_int_equal(errno, ENOENT);
}

static void mkdir_p_creates_parents_and_accepts_existing(void **state)
{
    char *deep = path_join(*state, "a/b//c/");
    assert_non_null(deep);
    assert_int_equal(fileio_mkdir_p(deep), 0);
    struct stat st;
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(fileio_mkdir_p(deep), 0);  /* already there: fine */
    free(deep);
}

static void mkdir_p_reports_a_file_in_the_way(void **state)
{
    char *file = path_join(*state, "plain");
    char err[256];
    assert_int_equal(fileio_write_atomic(*state, "plain", (const unsigned char *)"x", 1, 0644,
                                         err, sizeof err), 0);
    errno = 0;
    assert_int_equal(fileio_mkdir_p(file), -1);
    assert_int_equal(errno, ENOTDIR);
    char *below = path_join(file, "sub");
    errno = 0;
    assert_int_equal(fileio_mkdir_p(below), -1);
    assert_int_equal(errno, ENOTDIR);
    free(below);
    free(file);
}

static void write_atomic_leaves_only_the_file(void **state)
{
    char err[256];
    const unsigned char data[] = "hello";
    assert_int_equal(fileio_write_atomic(*state, "out.bin", data, 5, 0600, err, sizeof err), 0);
    char *path = path_join(*state, "out.bin");
    unsigned char *back;
    size_t len;
    assert_int_equal(fileio_read_all(path, &back, &len, err, sizeof err), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(back, data, 5);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(back);
    free(path);
    /* No temporary file is left beside it. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = out.bin", (char *)*state);
    assert_int_equal(system(cmd), 0);
}

static void read_all_refuses_a_directory(void **state)
{
    unsigned char *data;
    size_t len;
    char err[256];
    assert_int_equal(fileio_read_all(*state, &data, &len, err, sizeof err), -1);
    assert_string_equal(err, "not a regular file");
    assert_null(data);
}

/* A FIFO with no writer would block a plain open() forever (issue 10). */
static void read_all_refuses_a_fifo_without_blocking(void **state)
{
    char *fifo = path_join(*state, "label.txt");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    unsigned char *data;
    size_t len;
    char err[256];
    assert_int_equal(fileio_read_all(fifo, &data, &len, err, sizeof err), -1);
    assert_string_equal(err, "not a regular file");
    free(fifo);
}

/* Refused from fstat's size, before any read: a sparse 3 GB file. */
static void read_all_refuses_files_over_2_gib_from_their_size(void **state)
{
    char *big = path_join(*state, "big.png");
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(truncate(big, 3000000000LL), 0);
    unsigned char *data;
    size_t len;
    char err[256];
    assert_int_equal(fileio_read_all(big, &data, &len, err, sizeof err), -1);
    assert_string_equal(err, "unsupported: file of 3000000000 bytes, larger than 2 GiB");
    assert_null(data);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mkdir_p_refuses_the_empty_path),
        cmocka_unit_test_setup_teardown(mkdir_p_creates_parents_and_accepts_existing,
                                        scratch_make, scratch_remove),
        cmocka_unit_test_setup_teardown(mkdir_p_reports_a_file_in_the_way, scratch_make,
                                        scratch_remove),
        cmocka_unit_test_setup_teardown(write_atomic_leaves_only_the_file, scratch_make,
                                        scratch_remove),
        cmocka_unit_test_setup_teardown(read_all_refuses_a_directory, scratch_make,
                                        scratch_remove),
        cmocka_unit_test_setup_teardown(read_all_refuses_a_fifo_without_blocking, scratch_make,
                                        scratch_remove),
        cmocka_unit_test_setup_teardown(read_all_refuses_files_over_2_gib_from_their_size,
                                        scratch_make, scratch_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
