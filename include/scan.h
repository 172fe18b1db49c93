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
    size_t skipped;          /* non-hidden files that are not read, unread and excluded included */
    size_t excluded;         /* images left out by --include / --exclude */
    size_t subdirs;          /* without recursion: subdirectories not entered */
    scan_reject_t *rejects;  /* image-named entries that are not files */
    size_t reject_count;
    scan_unread_t *unread;   /* images in formats not read, sorted by format, name */
    size_t unread_count;
} scan_list_t;

#define SCAN_MAX_SKIP_DIRS 2

/* How to look for inputs. Zero-initialised: a flat scan, nothing left out. */
typedef struct {
    int recursive;
    /* Folders never entered (OUT_DIR and LABELS_OUT inside IN_DIR: their
     * files are outputs, never inputs); NULL entries are ignored. */
    const char *skip_dirs[SCAN_MAX_SKIP_DIRS];
    /* --include / --exclude globs (fnmatch). A pattern with a '/' is
     * matched against the path relative to IN_DIR (or as listed), '*' not
     * crossing '/'; one without, against the last component. An image is
     * taken when it matches an include (or none is given) and no exclude;
     * a directory matching an exclude is not entered. */
    char *const *include;
    size_t include_count;
    char *const *exclude;
    size_t exclude_count;
    int nul_separated;       /* lists: NUL-separated, else lines (LF or CRLF) */
    const char *base;        /* lists: entries are relative to it (IN_DIR), or NULL */
} scan_options_t;

/* Lists the regular files (or symlinks to them) in dir whose extension is
 * readable, skipping hidden names, sorted by relative path in byte order.
 * With opts->recursive, descends into subdirectories (not into symbolic
 * links to directories, so no loop can form); names then carry their
 * directories, "sub/a.jpg". A subdirectory that cannot be read becomes a
 * reject with its reason. Returns 0, or -1 with errno set when dir itself
 * cannot be read or memory is short. */
int scan_dir(const char *dir, const scan_options_t *opts, scan_list_t *list);

/* Reads the inputs from a list, one path per line (LF or CRLF) or
 * NUL-separated, kept as written and in the list's order; empty entries
 * are ignored. An entry is named on purpose, so one that is not an image
 * noiseaug reads (another extension, a WebP, a hidden name is still taken)
 * is a reject with its reason, not a silent skip; --include / --exclude
 * still leave entries out. Returns 0, or -1 with errno. */
int scan_from_list(FILE *in, const scan_options_t *opts, scan_list_t *list);

/* Takes the given paths (image operands, as cp takes files) as a list
 * whose entries are all named on purpose. Returns 0, or -1 with errno. */
int scan_from_args(char *const *paths, size_t count, const scan_options_t *opts,
                   scan_list_t *list);

/* True when name (relative, or as listed) is taken by the --include and
 * --exclude globs of opts. */
int scan_glob_takes(const scan_options_t *opts, const char *name);

/* Frees what scan_dir allocated. */
void scan_free(scan_list_t *list);

/* The image format an extension names when noiseaug does not read it
 * ("WebP" for webp, ...), or NULL. */
const char *scan_unread_format(const char *ext);

/* Sorts names in byte order (strcmp), as scan_dir does. */
void scan_sort(char **names, size_t count);

#endif
