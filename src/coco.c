/* coco: reading a COCO instances file element by element, and writing the
 * outputs' file by splicing new ids into the input's own text.
 *
 * jansson has no streaming parser, so the walk over the top-level object
 * and its two large arrays is done here: it reads only punctuation and
 * keys, and hands every value to jansson (json_loadb with
 * JSON_DISABLE_EOF_CHECK, which reports how many bytes the value took).
 * Every byte of the file is therefore checked by jansson, while at most
 * one element is ever a tree. */
#include "coco.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fileio.h"
#include "nameset.h"

typedef struct {
    size_t start, end;        /* the element's text */
    json_int_t id;
    char *file_name;
    json_int_t width, height;
    size_t first_ann, ann_count;  /* its annotations, in coco.by_image */
} coco_image_t;

typedef struct {
    size_t start, end;        /* the element's text */
    size_t id_start, id_end;  /* the text of its "id" value */
    size_t image_start, image_end;  /* ... and of "image_id" */
    size_t image;             /* index of its image */
    json_int_t image_id;
} coco_ann_t;

typedef struct {
    size_t key_start, key_end;      /* the key, quotes included */
    size_t value_start, value_end;
} coco_member_t;

struct coco {
    unsigned char *text;
    size_t len;
    coco_member_t *members;
    size_t member_count;
    coco_image_t *images;
    size_t image_count, image_cap;
    coco_ann_t *anns;
    size_t ann_count, ann_cap;
    size_t *by_image;        /* annotation indices grouped by image, in file order */
    json_int_t max_image_id, max_ann_id;
    nameset_t names;         /* file_name -> image index */
};

/* --- reading ---------------------------------------------------------- */

static size_t skip_ws(const coco_t *c, size_t at)
{
    while (at < c->len && (c->text[at] == ' ' || c->text[at] == '\t' || c->text[at] == '\n' ||
                           c->text[at] == '\r'))
        at++;
    return at;
}

static size_t line_of(const coco_t *c, size_t at)
{
    size_t line = 1;
    for (size_t i = 0; i < at && i < c->len; i++)
        line += c->text[i] == '\n';
    return line;
}

static int fail_at(const coco_t *c, size_t at, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "line %zu: %s", line_of(c, at), what);
    return -1;
}

/* Parses the JSON value at `at` with jansson; *end is where it stops. */
static json_t *load_value(const coco_t *c, size_t at, size_t *end, char *err, size_t errlen)
{
    json_error_t jerr;
    /* Duplicate keys are refused: the splice would replace the first "id"
     * where a reader takes the last. */
    json_t *v = json_loadb((const char *)c->text + at, c->len - at,
                           JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                           &jerr);
    if (v == NULL) {
        snprintf(err, errlen, "line %zu: not valid JSON: %s",
                 line_of(c, at + (size_t)(jerr.position > 0 ? jerr.position : 0)), jerr.text);
        /* One line, and nothing a terminal would act on. */
        for (char *p = err; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = ' ';
        return NULL;
    }
    *end = at + (size_t)jerr.position;
    return v;
}

/* The end of the string starting at the quote at `at`, past its closing
 * quote; 0 when it has none. Only used on text jansson has accepted, or
 * for keys that are then compared byte for byte. */
static size_t string_end(const coco_t *c, size_t at)
{
    for (size_t i = at + 1; i < c->len; i++) {
        if (c->text[i] == '\\')
            i++;
        else if (c->text[i] == '"')
            return i + 1;
    }
    return 0;
}

/* The end of the (valid) JSON value at `at`. */
static size_t value_end(const coco_t *c, size_t at, size_t limit)
{
    if (c->text[at] == '"')
        return string_end(c, at);
    int depth = 0;
    for (size_t i = at; i < limit; i++) {
        unsigned char ch = c->text[i];
        if (ch == '"') {
            i = string_end(c, i) - 1;
        } else if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            if (depth-- == 0)
                return i;
            if (depth == 0)
                return i + 1;
        } else if (depth == 0 && (ch == ',' || ch == ' ' || ch == '\t' || ch == '\n' ||
                                  ch == '\r')) {
            return i;
        }
    }
    return limit;
}

/* The text of member `key` of the (valid) object in [start, end): the
 * value's span. Keys are compared as written, so an id key spelled with
 * escapes is not found (the caller says so). */
static int member_span(const coco_t *c, size_t start, size_t end, const char *key,
                       size_t *vs, size_t *ve)
{
    size_t klen = strlen(key), at = skip_ws(c, start + 1);
    while (at < end && c->text[at] == '"') {
        size_t kend = string_end(c, at);
        size_t v = skip_ws(c, skip_ws(c, kend) + 1);
        size_t vend = value_end(c, v, end);
        if (kend - at == klen + 2 && memcmp(c->text + at + 1, key, klen) == 0) {
            *vs = v;
            *ve = vend;
            return 0;
        }
        at = skip_ws(c, skip_ws(c, vend) + 1);  /* past the ',' */
    }
    return -1;
}

static int get_int(json_t *obj, const char *key, json_int_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 0;
}

static int grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 0;
    size_t n = *cap ? 2 * *cap : 1024;
    void *bigger = realloc(*items, n * size);
    if (bigger == NULL)
        return -1;
    *items = bigger;
    *cap = n;
    return 0;
}

static int add_image(coco_t *c, json_t *obj, size_t start, size_t end, char *err,
                     size_t errlen)
{
    coco_image_t im = { .start = start, .end = end };
    json_t *name = json_object_get(obj, "file_name");
    if (get_int(obj, "id", &im.id) != 0 || !json_is_string(name))
        return fail_at(c, start, err, errlen,
                       "an image without an integer \"id\" and a string \"file_name\"");
    get_int(obj, "width", &im.width);
    get_int(obj, "height", &im.height);
    if (grow((void **)&c->images, &c->image_cap, c->image_count, sizeof im) != 0 ||
        (im.file_name = strdup(json_string_value(name))) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->images[c->image_count++] = im;
    if (c->image_count == 1 || im.id > c->max_image_id)
        c->max_image_id = im.id;
    return 0;
}

static int add_annotation(coco_t *c, json_t *obj, size_t start, size_t end, char *err,
                          size_t errlen)
{
    coco_ann_t a = { .start = start, .end = end };
    json_int_t id;
    if (get_int(obj, "id", &id) != 0 || get_int(obj, "image_id", &a.image_id) != 0)
        return fail_at(c, start, err, errlen,
                       "an annotation without an integer \"id\" and \"image_id\"");
    if (member_span(c, start, end, "id", &a.id_start, &a.id_end) != 0 ||
        member_span(c, start, end, "image_id", &a.image_start, &a.image_end) != 0)
        return fail_at(c, start, err, errlen,
                       "an annotation whose \"id\" or \"image_id\" key is written with escapes");
    if (grow((void **)&c->anns, &c->ann_cap, c->ann_count, sizeof a) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->anns[c->ann_count++] = a;
    if (c->ann_count == 1 || id > c->max_ann_id)
        c->max_ann_id = id;
    return 0;
}

/* Reads the array at `at` element by element into images or annotations;
 * *end is past its ']'. */
static int load_array(coco_t *c, size_t at, int images, size_t *end, char *err, size_t errlen)
{
    if (at >= c->len || c->text[at] != '[')
        return fail_at(c, at, err, errlen, images ? "\"images\" is not an array"
                                                   : "\"annotations\" is not an array");
    at = skip_ws(c, at + 1);
    if (at < c->len && c->text[at] == ']') {
        *end = at + 1;
        return 0;
    }
    for (;;) {
        size_t stop;
        json_t *obj = load_value(c, at, &stop, err, errlen);
        if (obj == NULL)
            return -1;
        int rc = !json_is_object(obj)
            ? fail_at(c, at, err, errlen, images ? "an image that is not an object"
                                                 : "an annotation that is not an object")
            : images ? add_image(c, obj, at, stop, err, errlen)
                     : add_annotation(c, obj, at, stop, err, errlen);
        json_decref(obj);
        if (rc != 0)
            return -1;
        at = skip_ws(c, stop);
        if (at < c->len && c->text[at] == ']') {
            *end = at + 1;
            return 0;
        }
        if (at >= c->len || c->text[at] != ',')
            return fail_at(c, at, err, errlen, "not valid JSON: ',' or ']' expected");
        at = skip_ws(c, at + 1);
    }
}

static int is_key(const coco_t *c, const coco_member_t *m, const char *key)
{
    size_t n = strlen(key);
    return m->key_end - m->key_start == n + 2 && memcmp(c->text + m->key_start + 1, key, n) == 0;
}

/* Walks the top-level object, member by member. */
static int load_members(coco_t *c, char *err, size_t errlen)
{
    size_t at = skip_ws(c, 0), cap = 0;
    if (at >= c->len || c->text[at] != '{')
        return fail_at(c, at, err, errlen, "not a COCO file: not a JSON object");
    at = skip_ws(c, at + 1);
    int seen_images = 0, seen_anns = 0;
    while (at < c->len && c->text[at] != '}') {
        coco_member_t m = { .key_start = at };
        if (c->text[at] != '"' || (m.key_end = string_end(c, at)) == 0)
            return fail_at(c, at, err, errlen, "not valid JSON: a key expected");
        at = skip_ws(c, m.key_end);
        if (at >= c->len || c->text[at] != ':')
            return fail_at(c, at, err, errlen, "not valid JSON: ':' expected");
        m.value_start = at = skip_ws(c, at + 1);
        int images = is_key(c, &m, "images"), anns = is_key(c, &m, "annotations");
        if (images || anns) {
            if ((images && seen_images++) || (anns && seen_anns++))
                return fail_at(c, at, err, errlen, "\"images\" or \"annotations\" twice");
            if (load_array(c, at, images, &m.value_end, err, errlen) != 0)
                return -1;
        } else {
            json_t *v = load_value(c, at, &m.value_end, err, errlen);
            if (v == NULL)
                return -1;
            json_decref(v);
        }
        if (grow((void **)&c->members, &cap, c->member_count, sizeof m) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        c->members[c->member_count++] = m;
        at = skip_ws(c, m.value_end);
        if (at < c->len && c->text[at] == ',')
            at = skip_ws(c, at + 1);
        else if (at >= c->len || c->text[at] != '}')
            return fail_at(c, at, err, errlen, "not valid JSON: ',' or '}' expected");
    }
    if (at >= c->len || skip_ws(c, at + 1) != c->len)
        return fail_at(c, at, err, errlen, at >= c->len ? "not valid JSON: the file is cut short"
                                                        : "not valid JSON: text after the object");
    if (!seen_images || !seen_anns)
        return fail_at(c, 0, err, errlen,
                       "not a COCO instances file: no \"images\" or no \"annotations\" array");
    return 0;
}

typedef struct {
    json_int_t id;
    size_t index;
} id_index_t;

static int compare_ids(const void *a, const void *b)
{
    json_int_t x = ((const id_index_t *)a)->id, y = ((const id_index_t *)b)->id;
    return (x > y) - (x < y);
}

/* Ties each annotation to its image, and groups them by image. */
static int link_annotations(coco_t *c, char *err, size_t errlen)
{
    id_index_t *ids = malloc((c->image_count + 1) * sizeof *ids);
    c->by_image = malloc((c->ann_count + 1) * sizeof *c->by_image);
    if (ids == NULL || c->by_image == NULL) {
        free(ids);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < c->image_count; i++)
        ids[i] = (id_index_t){ c->images[i].id, i };
    qsort(ids, c->image_count, sizeof *ids, compare_ids);
    int rc = 0;
    for (size_t i = 1; rc == 0 && i < c->image_count; i++)
        if (ids[i].id == ids[i - 1].id)
            rc = fail_at(c, c->images[ids[i].index].start, err, errlen,
                         "two images with the same \"id\"");
    for (size_t a = 0; rc == 0 && a < c->ann_count; a++) {
        id_index_t key = { c->anns[a].image_id, 0 };
        id_index_t *found = bsearch(&key, ids, c->image_count, sizeof *ids, compare_ids);
        if (found == NULL) {
            char what[128];
            snprintf(what, sizeof what, "an annotation names image %lld, which is not in "
                     "\"images\"", (long long)c->anns[a].image_id);
            rc = fail_at(c, c->anns[a].start, err, errlen, what);
        } else {
            c->anns[a].image = found->index;
            c->images[found->index].ann_count++;
        }
    }
    free(ids);
    if (rc != 0)
        return -1;
    size_t next = 0;
    for (size_t i = 0; i < c->image_count; i++) {
        c->images[i].first_ann = next;
        next += c->images[i].ann_count;
        c->images[i].ann_count = 0;
    }
    for (size_t a = 0; a < c->ann_count; a++) {
        coco_image_t *im = &c->images[c->anns[a].image];
        c->by_image[im->first_ann + im->ann_count++] = a;
    }
    return 0;
}

static const char *without_dot_slash(const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    return name;
}

static int index_names(coco_t *c, char *err, size_t errlen)
{
    for (size_t i = 0; i < c->image_count; i++) {
        size_t first;
        int rc = nameset_add(&c->names, without_dot_slash(c->images[i].file_name), i, &first);
        if (rc < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (rc == 0)
            return fail_at(c, c->images[i].start, err, errlen,
                           "two images with the same \"file_name\"");
    }
    return 0;
}

int coco_load(const char *path, coco_t **out, char *err, size_t errlen)
{
    coco_t *c = calloc(1, sizeof *c);
    *out = NULL;
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (fileio_read_all(path, &c->text, &c->len, err, errlen) != 0 ||
        load_members(c, err, errlen) != 0 || link_annotations(c, err, errlen) != 0 ||
        index_names(c, err, errlen) != 0) {
        coco_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void coco_free(coco_t *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->image_count; i++)
        free(c->images[i].file_name);
    free(c->images);
    free(c->anns);
    free(c->by_image);
    free(c->members);
    free(c->text);
    nameset_free(&c->names);
    free(c);
}

size_t coco_image_count(const coco_t *c)
{
    return c->image_count;
}

const char *coco_image_file_name(const coco_t *c, size_t i)
{
    return c->images[i].file_name;
}

long coco_find(const coco_t *c, const char *name)
{
    size_t *owner = nameset_find(&c->names, without_dot_slash(name));
    return owner != NULL ? (long)*owner : -1;
}

/* --- writing ---------------------------------------------------------- */

static void put_span(FILE *f, const coco_t *c, size_t start, size_t end)
{
    fwrite(c->text + start, 1, end - start, f);
}

/* An annotation's text with its id and image_id replaced. */
static void put_annotation(FILE *f, const coco_t *c, const coco_ann_t *a, long long id,
                           long long image_id)
{
    int id_first = a->id_start < a->image_start;
    size_t s1 = id_first ? a->id_start : a->image_start, e1 = id_first ? a->id_end : a->image_end;
    size_t s2 = id_first ? a->image_start : a->id_start, e2 = id_first ? a->image_end : a->id_end;
    put_span(f, c, a->start, s1);
    fprintf(f, "%lld", id_first ? id : image_id);
    put_span(f, c, e1, s2);
    fprintf(f, "%lld", id_first ? image_id : id);
    put_span(f, c, e2, a->end);
}

/* An output's image entry: its input's, with a new id, name and size. */
static int put_image(FILE *f, const coco_t *c, const coco_image_t *im, long long id,
                     const coco_output_t *o)
{
    json_t *obj = json_loadb((const char *)c->text + im->start, im->end - im->start, 0, NULL);
    if (obj == NULL || json_object_set_new(obj, "id", json_integer(id)) != 0 ||
        json_object_set_new(obj, "file_name", json_string(o->file_name)) != 0 ||
        json_object_set_new(obj, "width", json_integer(o->width)) != 0 ||
        json_object_set_new(obj, "height", json_integer(o->height)) != 0 ||
        json_dumpf(obj, f, JSON_COMPACT | JSON_REAL_PRECISION(17)) != 0) {
        json_decref(obj);
        return -1;
    }
    json_decref(obj);
    return 0;
}

/* Sets prefix[i] to the annotations of inputs before i. */
static size_t *annotation_prefix(const coco_t *c, const long *inputs, size_t count)
{
    size_t *prefix = malloc((count + 1) * sizeof *prefix);
    if (prefix == NULL)
        return NULL;
    prefix[0] = 0;
    for (size_t i = 0; i < count; i++)
        prefix[i + 1] = prefix[i] + (inputs[i] >= 0 ? c->images[inputs[i]].ann_count : 0);
    return prefix;
}

static int write_images(FILE *f, const coco_t *c, const long *inputs, unsigned copies,
                        const size_t *originals, size_t original_count,
                        const coco_output_t *outs, size_t out_count, coco_written_t *w)
{
    const char *sep = "\n";
    fputc('[', f);
    for (size_t i = 0; i < original_count; i++) {
        long im = inputs[originals[i]];
        if (im < 0)
            continue;
        fputs(sep, f);
        put_span(f, c, c->images[im].start, c->images[im].end);
        sep = ",\n";
        w->images++;
    }
    for (size_t o = 0; o < out_count; o++) {
        long im = inputs[outs[o].input];
        if (im < 0)
            continue;
        long long id = (long long)c->max_image_id + 1 +
                       (long long)(outs[o].input * copies + outs[o].copy);
        fputs(sep, f);
        if (put_image(f, c, &c->images[im], id, &outs[o]) != 0)
            return -1;
        sep = ",\n";
        w->images++;
    }
    fputs("\n]", f);
    return 0;
}

static void write_annotations(FILE *f, const coco_t *c, const long *inputs, unsigned copies,
                              const size_t *prefix, const size_t *originals,
                              size_t original_count, const coco_output_t *outs,
                              size_t out_count, coco_written_t *w)
{
    const char *sep = "\n";
    fputc('[', f);
    for (size_t i = 0; i < original_count; i++) {
        long im = inputs[originals[i]];
        for (size_t j = 0; im >= 0 && j < c->images[im].ann_count; j++) {
            const coco_ann_t *a = &c->anns[c->by_image[c->images[im].first_ann + j]];
            fputs(sep, f);
            put_span(f, c, a->start, a->end);
            sep = ",\n";
            w->annotations++;
        }
    }
    for (size_t o = 0; o < out_count; o++) {
        size_t i = outs[o].input;
        long im = inputs[i];
        if (im < 0)
            continue;
        size_t n = c->images[im].ann_count;
        long long image_id = (long long)c->max_image_id + 1 + (long long)(i * copies + outs[o].copy);
        long long first = (long long)c->max_ann_id + 1 +
                          (long long)(copies * prefix[i] + outs[o].copy * n);
        for (size_t j = 0; j < n; j++) {
            fputs(sep, f);
            put_annotation(f, c, &c->anns[c->by_image[c->images[im].first_ann + j]],
                           first + (long long)j, image_id);
            sep = ",\n";
            w->annotations++;
        }
    }
    fputs("\n]", f);
}

int coco_write(const coco_t *c, const char *path, const long *inputs, size_t input_count,
               unsigned copies, const size_t *originals, size_t original_count,
               const coco_output_t *outs, size_t out_count, mode_t mode,
               coco_written_t *written, char *err, size_t errlen)
{
    memset(written, 0, sizeof *written);
    size_t *prefix = annotation_prefix(c, inputs, input_count);
    fileio_stream_t s;
    if (prefix == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* The new ids run past the largest ones; they must stay 64-bit. */
    double last_image = (double)c->max_image_id + (double)input_count * copies;
    double last_ann = (double)c->max_ann_id + (double)prefix[input_count] * copies;
    if (last_image >= 9.2e18 || last_ann >= 9.2e18) {
        free(prefix);
        snprintf(err, errlen, "the new ids would pass the largest 64-bit integer (the "
                 "file's ids go up to %lld)", (long long)(c->max_image_id > c->max_ann_id
                                                      ? c->max_image_id : c->max_ann_id));
        return -1;
    }
    if (fileio_stream_open(path, &s, err, errlen) != 0) {
        free(prefix);
        return -1;
    }
    /* Big writes: the file may be hundreds of MB. */
    setvbuf(s.file, NULL, _IOFBF, 1 << 20);
    int rc = 0;
    fputc('{', s.file);
    for (size_t m = 0; rc == 0 && m < c->member_count; m++) {
        const coco_member_t *mem = &c->members[m];
        fputs(m ? ", " : "", s.file);
        put_span(s.file, c, mem->key_start, mem->key_end);
        fputs(": ", s.file);
        if (is_key(c, mem, "images"))
            rc = write_images(s.file, c, inputs, copies, originals, original_count, outs,
                              out_count, written);
        else if (is_key(c, mem, "annotations"))
            write_annotations(s.file, c, inputs, copies, prefix, originals, original_count,
                              outs, out_count, written);
        else
            put_span(s.file, c, mem->value_start, mem->value_end);
    }
    fputs("}\n", s.file);
    free(prefix);
    if (rc != 0) {
        snprintf(err, errlen, "out of memory");
        fileio_stream_abort(&s);
        return -1;
    }
    return fileio_stream_commit(&s, mode, err, errlen);
}
