/* output: paths, free names, copied originals and labels. */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "fileio.h"
#include "path.h"
#include "plan.h"

static char *join_if(const char *dir, const char *name)
{
    return dir != NULL ? path_join(dir, name) : strdup(name);
}

int output_paths_make(output_paths_t *p, const output_layout_t *layout, const char *name,
                      const char *out_name, const char *partner, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    /* The input's path first: a refused input is still shown by it. */
    p->in_path = join_if(layout->in_dir, name);
    errno = 0;
    p->subdir = layout->flat ? strdup("") : path_mirror_dir(name);
    if (p->subdir == NULL) {
        snprintf(err, errlen, "%s", errno == EINVAL
                 ? "path has a '..' component, which would lead out of the output "
                   "folder; not processed" : "out of memory");
        return -1;
    }
    if (partner != NULL)
        p->partner_path = join_if(layout->partner_dir, partner);
    p->out_dir = path_join(layout->out_dir, p->subdir);
    p->out_path = p->out_dir != NULL ? path_join(p->out_dir, out_name) : NULL;
    if (p->in_path == NULL || p->out_path == NULL || (partner != NULL && p->partner_path == NULL)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int output_paths_rename(output_paths_t *p, const output_layout_t *layout, const char *out_name,
                        const char *partner)
{
    free(p->partner_path);
    free(p->out_path);
    p->partner_path = NULL;
    if (partner != NULL)
        p->partner_path = join_if(layout->partner_dir, partner);
    p->out_path = path_join(p->out_dir, out_name);
    return p->out_path == NULL || (partner != NULL && p->partner_path == NULL) ? -1 : 0;
}

void output_paths_free(output_paths_t *p)
{
    free(p->in_path);
    free(p->partner_path);
    free(p->subdir);
    free(p->out_dir);
    free(p->out_path);
    memset(p, 0, sizeof *p);
}

struct output_file_id {
    dev_t dev;
    ino_t ino;
};

static int compare_ids(const void *a, const void *b)
{
    const struct output_file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Records the (device, inode) of every input that exists now. */
static int record_input_ids(output_names_t *names, const char *in_dir)
{
    if (names->input_count == 0)
        return 0;
    names->ids = malloc(names->input_count * sizeof *names->ids);
    if (names->ids == NULL)
        return -1;
    for (size_t i = 0; i < names->input_count; i++) {
        const char *name = names->inputs[i];
        char *path = in_dir != NULL ? path_join(in_dir, name) : strdup(name);
        struct stat st;
        if (path == NULL)
            return -1;
        if (stat(path, &st) == 0)
            names->ids[names->id_count++] = (struct output_file_id){ st.st_dev, st.st_ino };
        free(path);
    }
    if (names->id_count > 1)
        qsort(names->ids, names->id_count, sizeof *names->ids, compare_ids);
    return 0;
}

int output_names_is_input(const output_names_t *names, const char *path)
{
    struct stat st;
    if (names->id_count == 0 || stat(path, &st) != 0)
        return 0;
    struct output_file_id key = { st.st_dev, st.st_ino };
    return bsearch(&key, names->ids, names->id_count, sizeof key, compare_ids) != NULL;
}

/* The owner that marks an earlier output's name in the claim set. */
#define EARLIER_OWNER (SIZE_MAX - 1)

/* The key of an input-relative name as outputs are keyed: its mirrored
 * folder and its file name; NULL for a ".." name (errno EINVAL) or OOM. */
static char *mirrored_key(const char *name)
{
    errno = 0;
    char *sub = path_mirror_dir(name);
    char *key = sub != NULL ? path_join(sub, path_basename(name)) : NULL;
    free(sub);
    return key;
}

int output_names_init(output_names_t *names, char *const *inputs, size_t count,
                      const char *in_dir, int in_place)
{
    memset(names, 0, sizeof *names);
    names->inputs = inputs;
    names->input_count = count;
    names->out_format = -1;
    names->lock_made = pthread_mutex_init(&names->index_lock, NULL) == 0;
    if (!names->lock_made)
        return -1;
    if (record_input_ids(names, in_dir) != 0) {
        output_names_free(names);
        return -1;
    }
    if (!in_place)
        return 0;
    for (size_t i = 0; i < count; i++) {
        /* Keyed as outputs are: "./a.jpg" and "a.jpg" are one file. An
         * input with a ".." is never processed, so it needs no key. */
        char *key = mirrored_key(inputs[i]);
        if (key == NULL && errno == EINVAL)
            continue;
        size_t first;
        int rc = key != NULL ? nameset_add(&names->set, key, count + i, &first) : -1;
        free(key);
        if (rc < 0) {
            output_names_free(names);
            return -1;
        }
    }
    return 0;
}

int output_names_reserve_earlier(output_names_t *names, char *const *earlier, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *key = mirrored_key(earlier[i]);
        size_t first;
        if (key == NULL && errno == EINVAL)
            continue;
        int rc = key != NULL && nameset_add(&names->set, key, EARLIER_OWNER, &first) >= 0 &&
                 nameset_add(&names->earlier, key, i, &first) >= 0 ? 0 : -1;
        free(key);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int output_names_is_earlier(const output_names_t *names, const char *subdir,
                            const char *out_name)
{
    if (names->earlier.count == 0)
        return 0;
    char *key = path_join(subdir, out_name);
    int found = key != NULL && nameset_find(&names->earlier, key) != NULL;
    free(key);
    return found;
}

/* The claim key of the labels of an output: its stem alone, as labels
 * are named, marked apart from image names. malloc'd. */
static char *label_key(const char *subdir, const char *out_name)
{
    char *stem = path_stem(out_name);
    char *key = stem != NULL ? plan_stem_key(subdir, stem, NULL) : NULL;
    char *marked = key != NULL ? malloc(strlen(key) + 2) : NULL;
    if (marked != NULL) {
        marked[0] = '\1';
        strcpy(marked + 1, key);
    }
    free(stem);
    free(key);
    return marked;
}

/* Takes the label name of an output: two outputs whose names differ only
 * in their extension (a.png's a_ps.png and the copied original a_ps.gif)
 * would otherwise share one label file, the last written winning. */
int output_names_claim_label(output_names_t *names, const char *subdir, const char *out_name,
                             size_t index, char *err, size_t errlen)
{
    char *key = label_key(subdir, out_name);
    size_t first = 0;
    int added = key != NULL ? nameset_add(&names->set, key, index, &first) : -1;
    free(key);
    if (added < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (added == 1 || first == index || first == names->input_count + index)
        return 0;
    char *stem = path_stem(out_name);
    if (first >= names->input_count)
        snprintf(err, errlen, "the labels of %s would replace those of the input %s; not "
                 "written", out_name, names->inputs[first - names->input_count]);
    else
        snprintf(err, errlen, "%s would share the label name %s with an output of %s; "
                 "not written", out_name, stem != NULL ? stem : "?", names->inputs[first]);
    free(stem);
    return -1;
}

int output_names_reserve_labels(output_names_t *names)
{
    for (size_t i = 0; i < names->input_count; i++) {
        errno = 0;
        char *sub = path_mirror_dir(names->inputs[i]);
        if (sub == NULL && errno == EINVAL)
            continue;
        char *key = sub != NULL ? label_key(sub, path_basename(names->inputs[i])) : NULL;
        size_t first;
        int rc = key != NULL ? nameset_add(&names->set, key, names->input_count + i, &first) : -1;
        free(sub);
        free(key);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int output_names_claim(output_names_t *names, const char *subdir, const char *out_name,
                       size_t index, char *err, size_t errlen)
{
    char *key = path_join(subdir, out_name);
    size_t first = 0;
    int added = key != NULL ? nameset_add(&names->set, key, index, &first) : -1;
    if (added == 0 && first == EARLIER_OWNER) {
        /* Resuming: the first input to plan it takes it over. */
        *nameset_find(&names->set, key) = index;
        added = 1;
    }
    free(key);
    if (added < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (added == 0 && first >= names->input_count) {
        /* Writing beside the inputs: this output's name is an input's. */
        snprintf(err, errlen, "output name %s is an input file; not overwritten", out_name);
        return -1;
    }
    if (added == 0) {
        /* Two inputs, one output name (a.gif and a.png both give a_ps.png
         * under ps): the first in input order keeps it. */
        snprintf(err, errlen, "output name %s is already taken by %s; not written",
                 out_name, names->inputs[first]);
        return -1;
    }
    return 0;
}

/* Adds key to set with owner i; an owner of SIZE_MAX marks a key that
 * several inputs share. Takes key (NULL: out of memory). */
static int index_add(nameset_t *set, char *key, size_t i)
{
    size_t first;
    int rc = key != NULL ? nameset_add(set, key, i, &first) : -1;
    if (rc == 0)
        *nameset_find(set, key) = SIZE_MAX;
    free(key);
    return rc < 0 ? -1 : 0;
}

static int build_name_index(output_names_t *names)
{
    for (size_t i = 0; i < names->other_partner_count; i++)
        if (index_add(&names->partners, path_stem(names->other_partners[i]), SIZE_MAX) != 0)
            return -1;
    for (size_t i = 0; i < names->input_count; i++) {
        errno = 0;
        char *sub = path_mirror_dir(names->inputs[i]);
        if (sub == NULL && errno == EINVAL)
            continue;  /* a ".." input is never processed */
        const char *base = path_basename(names->inputs[i]);
        char *stem = path_stem(names->inputs[i]);
        char *ext = plan_output_ext(names->inputs[i], names->out_format);
        int rc = sub != NULL && stem != NULL && ext != NULL &&
                 index_add(&names->stems, plan_stem_key(sub, stem, ext), i) == 0 &&
                 index_add(&names->bare_stems, plan_stem_key(sub, stem, NULL), i) == 0 &&
                 index_add(&names->files, path_join(sub, base), i) == 0 &&
                 index_add(&names->partners, strdup(stem), i) == 0 ? 0 : -1;
        free(sub);
        free(stem);
        free(ext);
        if (rc != 0)
            return -1;
    }
    return 0;
}

void output_names_configure(output_names_t *names, int format, int labels)
{
    names->out_format = format;
    names->labels = labels;
}

/* True when another input than `index` has the key. */
static int owned_by_another(const nameset_t *set, const char *key, size_t index)
{
    const size_t *owner = key != NULL ? nameset_find(set, key) : NULL;
    return owner != NULL && *owner != index;
}

int output_name_is_unique(output_names_t *names, const char *subdir, const char *out_name,
                          size_t index)
{
    pthread_mutex_lock(&names->index_lock);
    if (names->index_built == 0)
        names->index_built = build_name_index(names) == 0 ? 1 : -1;
    int unique = names->index_built == 1;
    char *stem = unique ? path_stem(out_name) : NULL;
    const char *ext = path_ext(out_name);
    char *key = stem != NULL ? path_join(subdir, out_name) : NULL;
    if (key == NULL || nameset_find(&names->files, key) != NULL)
        unique = 0;
    free(key);
    /* A label is named by the stem alone: an input of that stem may have
     * (or be given) one of that name. */
    key = unique && names->labels ? plan_stem_key(subdir, stem, NULL) : NULL;
    if (key != NULL && nameset_find(&names->bare_stems, key) != NULL)
        unique = 0;
    free(key);
    size_t len = stem != NULL ? strlen(stem) : 0;
    for (size_t pos = 1; unique && pos + 1 < len; pos++) {
        if (stem[pos] != '_')
            continue;
        stem[pos] = '\0';
        key = plan_stem_key(subdir, stem, names->labels ? NULL : ext);
        int other = owned_by_another(names->labels ? &names->bare_stems : &names->stems, key,
                                     index);
        free(key);
        stem[pos] = '_';
        if (other && plan_is_output_tag(stem + pos + 1, len - pos - 1, &names->partners))
            unique = 0;
    }
    free(stem);
    pthread_mutex_unlock(&names->index_lock);
    return unique;
}

void output_names_free(output_names_t *names)
{
    nameset_free(&names->earlier);
    nameset_free(&names->stems);
    nameset_free(&names->bare_stems);
    nameset_free(&names->partners);
    nameset_free(&names->files);
    if (names->lock_made)
        pthread_mutex_destroy(&names->index_lock);
    names->lock_made = 0;
    nameset_free(&names->set);
    free(names->ids);
    names->ids = NULL;
    names->id_count = 0;
}

int output_copy_file(const char *from, const char *to_dir, const char *to_name,
                     mode_t mode, char *err, size_t errlen)
{
    unsigned char *data;
    size_t len;
    if (fileio_read_all(from, &data, &len, err, errlen) != 0)
        return -1;
    int rc = fileio_write_atomic(to_dir, to_name, data, len, mode, err, errlen);
    free(data);
    return rc;
}

int output_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int output_is_whole_image(const char *path, uint64_t max_pixels, int *width, int *height)
{
    unsigned char *data;
    size_t len;
    char err[256];
    image_t img = { 0 };
    if (fileio_read_all(path, &data, &len, err, sizeof err) != 0)
        return 0;
    int whole = codec_decode(data, len, max_pixels, &img, err, sizeof err) == 0;
    *width = img.width;
    *height = img.height;
    image_free(&img);
    free(data);
    return whole;
}
