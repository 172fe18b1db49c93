/* scan: finds the input images in a directory and sorts them. */
#ifndef NOISEAUG_SCAN_H
#define NOISEAUG_SCAN_H

#include <stddef.h>
#include <stdio.h>

/* An entry that looked like an image but cannot be one (a directory named
 * x.jpg, a dangling symlink, ...). */
typedef struct {
    char *name;
    char *reason;
} scan_reject_t;

/* A skipped file whose extension names an image format noiseaug does not
 * read (WebP, TIFF, ...), so that a folder of them never comes out empty
 * without a word. */
typedef struct {
    char *name;
    const char *format;      /* "WebP", "TIFF", ... (static) */
} scan_unread_t;

typedef struct {
    char **names;            /* image file names relative to the directory */
    size_t count;
    size_t skipped;          /* non-hidden files that are not read, unread included */
    scan_reject_t *rejects;  /* image-named entries that are not files */
    size_t reject_count;
    scan_unread_t *unread;   /* images in formats not read, sorted by format, name */
    size_t unread_count;
} scan_list_t;

/* Lists the regular files (or symlinks to them) in dir whose extension is
 * readable, skipping hidden names, sorted by relative path in byte order.
 * With recursive, descends into subdirectories (not into symbolic links to
 * directories, so no loop can form); names then carry their directories,
 * "sub/a.jpg". A subdirectory that cannot be read becomes a reject with
 * its reason; the folder `exclude` (OUT_DIR, or NULL) is never entered.
 * Returns 0, or -1 with errno set when dir itself cannot be read or memory
 * is short. */
int scan_dir(const char *dir, int recursive, const char *exclude, scan_list_t *list);

/* Reads the inputs from a list, one path per line (or NUL-separated), kept
 * as written and in the list's order; empty entries are ignored. Entries
 * are filtered as scan_dir filters files. Returns 0, or -1 with errno. */
int scan_from_list(FILE *in, int nul_separated, scan_list_t *list);

/* Frees what scan_dir allocated. */
void scan_free(scan_list_t *list);

/* The image format an extension names when noiseaug does not read it
 * ("WebP" for webp, ...), or NULL. */
const char *scan_unread_format(const char *ext);

/* Sorts names in byte order (strcmp), as scan_dir does. */
void scan_sort(char **names, size_t count);

#endif
