/* scan: directory listing, filtering and byte-order sorting.
 *
 * readdir order is arbitrary, so the list is always sorted: the order of
 * the output lines and each image's random stream must not depend on it. */
#define _GNU_SOURCE
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "codec.h"

const char *scan_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot != NULL && dot != name ? dot + 1 : "";
}

const char *scan_unread_format(const char *ext)
{
    static const struct { const char *ext, *format; } formats[] = {
        { "webp", "WebP" }, { "tif", "TIFF" }, { "tiff", "TIFF" },
        { "heic", "HEIF" }, { "heif", "HEIF" }, { "avif", "AVIF" },
        { "jxl", "JPEG XL" }, { "jp2", "JPEG 2000" }, { "j2k", "JPEG 2000" },
        { "ico", "ICO" }, { "svg", "SVG" }, { "dng", "camera raw" },
        { "cr2", "camera raw" }, { "nef", "camera raw" }, { "arw", "camera raw" },
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcasecmp(ext, formats[i].ext) == 0)
            return formats[i].format;
    return NULL;
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

void scan_sort(char **names, size_t count)
{
    qsort(names, count, sizeof *names, compare_names);
}

long scan_find(char *const *names, size_t count, const char *name)
{
    char *const *hit = bsearch(&name, names, count, sizeof *names, compare_names);
    return hit != NULL ? (long)(hit - names) : -1;
}

/* Appends to a growable array of elements of size `size`. */
static int push(void **array, size_t *count, size_t *cap, size_t size,
                const void *item)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
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

int scan_dir(const char *dir, scan_list_t *list)
{
    memset(list, 0, sizeof *list);
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    size_t name_cap = 0, reject_cap = 0, unread_cap = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (!codec_can_read_ext(scan_ext(e->d_name))) {
            /* Directories are not files, so they are not counted. */
            if (e->d_type == DT_DIR)
                continue;
            list->skipped++;
            const char *format = scan_unread_format(scan_ext(e->d_name));
            if (format != NULL) {
                scan_unread_t u = { strdup(e->d_name), format };
                if (u.name == NULL ||
                    push((void **)&list->unread, &list->unread_count, &unread_cap,
                         sizeof u, &u) != 0) {
                    free(u.name);
                    goto fail;
                }
            }
            continue;
        }
        const char *why = why_not_a_file(dirfd(d), e->d_name);
        char *name = strdup(e->d_name);
        if (name == NULL)
            goto fail;
        if (why == NULL) {
            if (push((void **)&list->names, &list->count, &name_cap,
                     sizeof *list->names, &name) != 0) {
                free(name);
                goto fail;
            }
        } else {
            scan_reject_t r = { name, strdup(why) };
            if (r.reason == NULL ||
                push((void **)&list->rejects, &list->reject_count, &reject_cap,
                     sizeof r, &r) != 0) {
                free(r.name);
                free(r.reason);
                goto fail;
            }
        }
        errno = 0;
    }
    if (errno != 0)
        goto fail;
    closedir(d);
    scan_sort(list->names, list->count);
    qsort(list->rejects, list->reject_count, sizeof *list->rejects,
          compare_rejects);
    qsort(list->unread, list->unread_count, sizeof *list->unread, compare_unread);
    return 0;
fail:;
    int saved = errno ? errno : ENOMEM;
    closedir(d);
    scan_free(list);
    errno = saved;
    return -1;
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
