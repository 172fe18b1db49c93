/* labels: finding, rewriting and writing each output's label files. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "labels.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "fileio.h"
#include "image.h"
#include "labelfmt.h"
#include "path.h"

/* dir/<stem><ext>; malloc'd. */
static char *label_path(const char *dir, const char *stem, const char *ext)
{
    size_t len = strlen(stem) + strlen(ext) + 1;
    char *file = malloc(len);
    if (file == NULL)
        return NULL;
    snprintf(file, len, "%s%s", stem, ext);
    char *path = path_join(dir, file);
    free(file);
    return path;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

size_t labels_count(const labels_config_t *labels, const char *subdir, const char *name)
{
    char *stem = path_stem(name), *dir = path_join(labels->dir, subdir);
    size_t found = 0;
    for (size_t e = 0; stem != NULL && dir != NULL && e < labels->ext_count; e++) {
        char *path = label_path(dir, stem, labels->exts[e]);
        found += path != NULL && exists(path);
        free(path);
    }
    free(stem);
    free(dir);
    return found;
}

/* The output image as a rewritten label states it, read back from disk:
 * the bytes are those written, and the size is what a viewer shows. */
typedef struct {
    unsigned char *bytes;
    size_t len;
    int width, height, channels;
    char *abs_path;   /* for VOC's <path> */
    int loaded;
} written_image_t;

static int load_written_image(written_image_t *w, const char *image_path, char *err,
                              size_t errlen)
{
    if (w->loaded)
        return 0;
    if (fileio_read_all(image_path, &w->bytes, &w->len, err, errlen) != 0)
        return -1;
    codec_header_t h;
    if (codec_probe(w->bytes, w->len, UINT64_MAX, &h) == 0 && !h.turned) {
        w->width = h.width;
        w->height = h.height;
        w->channels = h.channels;
    } else {
        /* An original copied with an EXIF orientation: only decoding says
         * which way up it is shown. */
        image_t img = { 0 };
        if (codec_decode(w->bytes, w->len, UINT64_MAX, &img, err, errlen) != 0)
            return -1;
        w->width = img.width;
        w->height = img.height;
        w->channels = img.channels;
        image_free(&img);
    }
    char dir_real[PATH_MAX];
    char *dir = path_dir(image_path);
    if (dir == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->abs_path = realpath(dir, dir_real) != NULL
        ? path_join(dir_real, path_basename(image_path)) : strdup(image_path);
    free(dir);
    w->loaded = w->abs_path != NULL;
    if (!w->loaded)
        snprintf(err, errlen, "out of memory");
    return w->loaded ? 0 : -1;
}

static void free_written_image(written_image_t *w)
{
    free(w->bytes);
    free(w->abs_path);
}

/* The bytes to write for one label: src itself, or its rewrite. Returns 1
 * with *out set (to free), 0 to copy src as it is, 2 when the label does
 * not parse (res says why), -1 with err on a read failure. */
static int rewrite_label(const char *ext, const unsigned char *src, size_t src_len,
                         const char *src_path, const char *out_dir, const char *out_name,
                         const char *image_path, written_image_t *w, labels_result_t *res,
                         unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    labelfmt_kind_t kind = labelfmt_kind_of_ext(ext);
    if (kind == LABELFMT_COPY)
        return 0;
    if (load_written_image(w, image_path, err, errlen) != 0)
        return -1;
    char *rel = labelfmt_relpath(image_path, out_dir);
    if (rel == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    labelfmt_image_t img = {
        .file_name = out_name,
        .path = w->abs_path,
        .image_rel = rel,
        .width = (unsigned)w->width,
        .height = (unsigned)w->height,
        .depth = (unsigned)w->channels,
        .bytes = w->bytes,
        .len = w->len,
    };
    char why[256];
    int rc = labelfmt_rewrite(kind, src, src_len, &img, out, out_len, why, sizeof why);
    free(rel);
    if (rc >= 0)
        return rc;
    snprintf(res->bad_path, sizeof res->bad_path, "%s", src_path);
    snprintf(res->bad_reason, sizeof res->bad_reason, "%s", why);
    return 2;
}

/* Writes one label, src to out_dir/<out_stem><ext>. Returns 0, or -1 with
 * err. */
static int write_label(const labels_config_t *labels, const char *src, const char *ext,
                       const char *out_dir, const char *out_stem, const char *out_name,
                       const char *image_path, written_image_t *w, labels_result_t *res,
                       char *err, size_t errlen)
{
    char *dst = label_path(out_dir, out_stem, ext);
    const char *dst_name = dst != NULL ? path_basename(dst) : NULL;
    unsigned char *data = NULL, *rewritten = NULL;
    size_t len = 0, rewritten_len = 0;
    int rc = 0;
    char why[256];
    if (dst == NULL) {
        snprintf(err, errlen, "out of memory writing the label");
        rc = -1;
    } else if (fileio_same_file(src, dst) || (labels->skip_existing && exists(dst))) {
        res->files++;  /* already there: a label is never written onto itself */
    } else if (fileio_mkdir_p(out_dir) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", out_dir, strerror(errno));
        rc = -1;
    } else if (fileio_read_all(src, &data, &len, why, sizeof why) != 0) {
        snprintf(err, errlen, "label %s: %s", src, why);
        rc = -1;
    } else {
        int kind = rewrite_label(ext, data, len, src, out_dir, out_name, image_path, w, res,
                                 &rewritten, &rewritten_len, err, errlen);
        if (kind == 1 || kind == 0) {
            rc = fileio_write_atomic(out_dir, dst_name, kind == 1 ? rewritten : data,
                                     kind == 1 ? rewritten_len : len, labels->file_mode,
                                     why, sizeof why);
            if (rc != 0)
                snprintf(err, errlen, "label %s: %s", dst, why);
            else
                res->files++;
        } else if (kind < 0) {
            rc = -1;
        }
    }
    free(rewritten);
    free(data);
    free(dst);
    return rc;
}

int labels_write(const labels_config_t *labels, const char *subdir, const char *name,
                 const char *out_name, const char *image_path, labels_result_t *res,
                 char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    /* Labels mirror the images: the input's subdirectory under --labels,
     * the same one under LABELS_OUT. */
    char *in_stem = path_stem(name), *out_stem = path_stem(out_name);
    char *in_dir = path_join(labels->dir, subdir), *out_dir = path_join(labels->out, subdir);
    written_image_t w = { 0 };
    int rc = 0;
    if (in_stem == NULL || out_stem == NULL || in_dir == NULL || out_dir == NULL) {
        snprintf(err, errlen, "out of memory copying the label");
        rc = -1;
    }
    for (size_t e = 0; rc == 0 && e < labels->ext_count; e++) {
        char *src = label_path(in_dir, in_stem, labels->exts[e]);
        if (src == NULL) {
            snprintf(err, errlen, "out of memory copying the label");
            rc = -1;
        } else if (exists(src)) {
            rc = write_label(labels, src, labels->exts[e], out_dir, out_stem, out_name,
                             image_path, &w, res, err, errlen);
        }
        free(src);
    }
    free_written_image(&w);
    free(in_stem);
    free(out_stem);
    free(in_dir);
    free(out_dir);
    return rc;
}
