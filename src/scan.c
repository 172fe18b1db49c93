/* scan: directory listing, filtering and byte-order sorting.
 *
 * readdir order is arbitrary, so the list is always sorted: the order of
 * the output lines and each image's random stream must not depend on it. */
#define _GNU_SOURCE
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "fileio.h"
#include "path.h"

const char *scan_unread_format(const char *ext)
{
    const codec_format_info_t *info = codec_format_info(codec_format_of_ext(ext));
    return info != NULL && info->read == CODEC_READ_NO ? info->name : NULL;
}

static int compare_unread(const void *a, const void *b)
{
    const scan_unread_t *x = a, *y = b;
    int c = strcmp(x->format, y->format);
    return c != 0 ? c : strcmp(x->name, y->name);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_rejects(const void *a, const void *b)
{
    return strcmp(((const scan_reject_t *)a)->name,
                  ((const scan_reject_t *)b)->name);
}

/* qsort, but never with a NULL array: an empty list has none, and passing
 * NULL to qsort is undefined even for 0 elements. */
static void sort_array(void *base, size_t count, size_t size,
                       int (*compare)(const void *, const void *))
{
    if (count > 1)
        qsort(base, count, size, compare);
}

void scan_sort(char **names, size_t count)
{
    sort_array(names, count, sizeof *names, compare_names);
}

/* Appends to a growable array of elements of size `size`. */
static int push(void **array, size_t *count, size_t *cap, size_t size,
                const void *item)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        if (ncap > SIZE_MAX / size)
            return -1;
        void *p = realloc(*array, ncap * size);
        if (p == NULL)
            return -1;
        *array = p;
        *cap = ncap;
    }
    memcpy((char *)*array + *count * size, item, size);
    (*count)++;
    return 0;
}

static const char *why_not_a_file(int dir_fd, const char *name)
{
    struct stat st;
    if (fstatat(dir_fd, name, &st, 0) != 0) {
        if (errno == ENOENT)
            return "dangling symbolic link";
        if (errno == ELOOP)
            return "symbolic link loop";
        return strerror(errno);
    }
    if (S_ISDIR(st.st_mode))
        return "is a directory";
    if (!S_ISREG(st.st_mode))
        return "not a regular file";
    return NULL;
}

/* The growing arrays of a list being built. */
typedef struct {
    scan_list_t *list;
    const scan_options_t *opts;
    size_t name_cap, reject_cap, unread_cap;
    int explicit;             /* entries were named one by one (a list, operands) */
    size_t skip_count;        /* folders never scanned (OUT_DIR, LABELS_OUT) */
    dev_t skip_dev[SCAN_MAX_SKIP_DIRS];
    ino_t skip_ino[SCAN_MAX_SKIP_DIRS];
} builder_t;

static void builder_start(builder_t *b, scan_list_t *list, const scan_options_t *opts)
{
    static const scan_options_t none;
    memset(list, 0, sizeof *list);
    memset(b, 0, sizeof *b);
    b->list = list;
    b->opts = opts != NULL ? opts : &none;
    for (size_t i = 0; i < SCAN_MAX_SKIP_DIRS; i++) {
        struct stat st;
        if (b->opts->skip_dirs[i] != NULL && stat(b->opts->skip_dirs[i], &st) == 0) {
            b->skip_dev[b->skip_count] = st.st_dev;
            b->skip_ino[b->skip_count++] = st.st_ino;
        }
    }
}

/* fnmatch against the whole relative path when the pattern has a '/',
 * else against the last component, as rsync and find's -name do. */
static int glob_matches(const char *pattern, const char *name)
{
    if (strchr(pattern, '/') != NULL)
        return fnmatch(pattern, name, FNM_PATHNAME) == 0;
    return fnmatch(pattern, path_basename(name), 0) == 0;
}

static int any_glob_matches(char *const *patterns, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (glob_matches(patterns[i], name))
            return 1;
    return 0;
}

int scan_glob_takes(const scan_options_t *opts, const char *name)
{
    if (opts->include_count > 0 && !any_glob_matches(opts->include, opts->include_count, name))
        return 0;
    return !any_glob_matches(opts->exclude, opts->exclude_count, name);
}

/* Files an entry that is named like an image, or a folder, but cannot be
 * read, with its reason. Returns 0, or -1 when memory is short. */
static int add_reject(builder_t *b, const char *name, const char *reason)
{
    scan_list_t *list = b->list;
    scan_reject_t r = { strdup(name), strdup(reason) };
    if (r.name != NULL && r.reason != NULL &&
        push((void **)&list->rejects, &list->reject_count, &b->reject_cap, sizeof r, &r) == 0)
        return 0;
    free(r.name);
    free(r.reason);
    return -1;
}

/* Files one entry (name is the path as it will be reported; `at` and
 * `leaf` locate it for stat). Returns 0, or -1 when memory is short. */
static int add_entry(builder_t *b, const char *name, int at, const char *leaf)
{
    scan_list_t *list = b->list;
    const char *ext = path_ext(leaf);
    if (!scan_glob_takes(b->opts, name)) {
        /* Left out on request: counted, never a failure. */
        list->excluded += codec_can_read_ext(ext);
        list->skipped++;
        return 0;
    }
    if (!codec_can_read_ext(ext)) {
        const char *format = scan_unread_format(ext);
        if (b->explicit) {
            /* Named on purpose: skipping it in silence would hide a typo
             * or a format noiseaug does not read. */
            char reason[160];
            if (format != NULL)
                snprintf(reason, sizeof reason, "not read: noiseaug cannot read %s files", format);
            else
                snprintf(reason, sizeof reason, "not read: '.%s' is not an image extension "
                         "noiseaug reads", ext);
            return add_reject(b, name, reason);
        }
        list->skipped++;
        if (format == NULL)
            return 0;
        scan_unread_t u = { strdup(name), format };
        if (u.name == NULL || push((void **)&list->unread, &list->unread_count,
                                   &b->unread_cap, sizeof u, &u) != 0) {
            free(u.name);
            return -1;
        }
        return 0;
    }
    const char *why = why_not_a_file(at, leaf);
    if (why != NULL)
        return add_reject(b, name, why);
    char *copy = strdup(name);
    if (copy == NULL)
        return -1;
    if (push((void **)&list->names, &list->count, &b->name_cap, sizeof *list->names,
             &copy) == 0)
        return 0;
    free(copy);
    return -1;
}

/* True for a folder never scanned: OUT_DIR or LABELS_OUT inside IN_DIR,
 * whose files are this run's outputs, or an earlier run's, never inputs;
 * or one an --exclude glob names. */
static int is_excluded(const builder_t *b, int at, const char *leaf, const char *name)
{
    if (any_glob_matches(b->opts->exclude, b->opts->exclude_count, name))
        return 1;
    struct stat st;
    if (b->skip_count == 0 || fstatat(at, leaf, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    for (size_t i = 0; i < b->skip_count; i++)
        if (st.st_dev == b->skip_dev[i] && st.st_ino == b->skip_ino[i])
            return 1;
    return 0;
}

/* True for an entry that is a directory itself, not a link to one:
 * symbolic links to directories are never followed, so no loop can form. */
static int is_real_directory(int at, const struct dirent *e)
{
    if (e->d_type == DT_DIR)
        return 1;
    if (e->d_type != DT_UNKNOWN)
        return 0;
    struct stat st;
    return fstatat(at, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Lists root/prefix into b, descending when recursive. */
static int scan_into(builder_t *b, const char *root, const char *prefix)
{
    char *path = *prefix ? path_join(root, prefix) : strdup(root);
    if (path == NULL)
        return -1;
    DIR *d = opendir(path);
    free(path);
    if (d == NULL) {
        /* The root must be readable. A subdirectory that is not (lost+found,
         * a path past PATH_MAX) is reported with its own reason, and the
         * rest of the tree is still scanned. */
        if (*prefix == '\0')
            return -1;
        char reason[256];
        snprintf(reason, sizeof reason, "cannot read directory: %s", strerror(errno));
        return add_reject(b, prefix, reason);
    }
    struct dirent *e;
    int rc = 0;
    errno = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *name = *prefix ? path_join(prefix, e->d_name) : strdup(e->d_name);
        if (name == NULL) {
            rc = -1;
            break;
        }
        if (is_real_directory(dirfd(d), e) && is_excluded(b, dirfd(d), e->d_name, name)) {
            /* OUT_DIR inside IN_DIR: left out, not even counted. */
        } else if (is_real_directory(dirfd(d), e)) {
            /* Directories are not files: without -r they are not counted,
             * except one named like an image (x.jpg), which surely was
             * meant to be one, so it is reported. */
            if (b->opts->recursive)
                rc = scan_into(b, root, name);
            else if (codec_can_read_ext(path_ext(e->d_name)))
                rc = add_entry(b, name, dirfd(d), e->d_name);
            else
                b->list->subdirs++;
        } else {
            rc = add_entry(b, name, dirfd(d), e->d_name);
        }
        free(name);
        if (rc == 0)
            errno = 0;  /* a failure keeps its errno for the caller */
    }
    if (rc == 0 && errno != 0)
        rc = -1;
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

/* Sorts the messages of a list; names too unless keep_order. */
static void sort_list(scan_list_t *list, int keep_order)
{
    if (!keep_order)
        scan_sort(list->names, list->count);
    sort_array(list->rejects, list->reject_count, sizeof *list->rejects, compare_rejects);
    sort_array(list->unread, list->unread_count, sizeof *list->unread, compare_unread);
}

int scan_dir(const char *dir, const scan_options_t *opts, scan_list_t *list)
{
    builder_t b;
    builder_start(&b, list, opts);
    if (scan_into(&b, dir, "") != 0) {
        int saved = errno ? errno : ENOMEM;
        scan_free(list);
        errno = saved;
        return -1;
    }
    /* Byte order of the whole relative path, as strcmp says: "a.jpg"
     * before "a/b.jpg", since '.' is 0x2E and '/' 0x2F. */
    sort_list(list, 0);
    return 0;
}

/* Files an entry named on purpose, relative to `at`. Returns 0, or -1
 * when memory is short. */
static int add_named(builder_t *b, int at, const char *name)
{
    b->explicit = 1;
    return add_entry(b, name, at, name);
}

/* The folder list entries are relative to, as a descriptor. */
static int open_base(const scan_options_t *opts)
{
    if (opts == NULL || opts->base == NULL)
        return AT_FDCWD;
    return open(opts->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int finish_named(builder_t *b, int rc)
{
    if (rc != 0) {
        int saved = errno ? errno : ENOMEM;
        scan_free(b->list);
        errno = saved;
        return -1;
    }
    /* The list's own order is kept: it is the user's, and it is as
     * repeatable as a sorted one. Messages are still sorted. */
    sort_list(b->list, 1);
    return 0;
}

int scan_from_list(FILE *in, const scan_options_t *opts, scan_list_t *list)
{
    builder_t b;
    builder_start(&b, list, opts);
    int at = open_base(opts);
    if (at == -1)
        return finish_named(&b, -1);
    int nul = b.opts->nul_separated;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    errno = 0;
    while (rc == 0 && (n = getdelim(&line, &cap, nul ? '\0' : '\n', in)) > 0) {
        if (line[n - 1] == (nul ? '\0' : '\n'))
            line[--n] = '\0';
        /* A list written on Windows ends its lines with CRLF: the CR is the
         * line's end, not the last byte of a name. */
        if (!nul && n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        if (n == 0)
            continue;  /* empty entries mean nothing */
        rc = add_named(&b, at, line);
    }
    if (rc == 0 && ferror(in))
        rc = -1;
    free(line);
    if (at != AT_FDCWD)
        close(at);
    return finish_named(&b, rc);
}

int scan_from_args(char *const *paths, size_t count, const scan_options_t *opts,
                   scan_list_t *list)
{
    builder_t b;
    builder_start(&b, list, opts);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = add_named(&b, AT_FDCWD, paths[i]);
    return finish_named(&b, rc);
}

void scan_free(scan_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    for (size_t i = 0; i < list->reject_count; i++) {
        free(list->rejects[i].name);
        free(list->rejects[i].reason);
    }
    for (size_t i = 0; i < list->unread_count; i++)
        free(list->unread[i].name);
    free(list->names);
    free(list->rejects);
    free(list->unread);
    memset(list, 0, sizeof *list);
}
