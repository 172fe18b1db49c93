/* plan: mode, partner, strength and output name for one output. */
#include "plan.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "nameset.h"
#include "scan.h"
#include "path.h"

void plan_defaults(plan_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        double s = noise_default_strength((noise_mode_t)m);
        cfg->weight[m] = 1.0;
        cfg->strength[m] = (plan_range_t){ s, s };
    }
    cfg->copies = 1;
    cfg->format = -1;
}

uint64_t plan_shard_of(const char *name, uint64_t n)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001B3ull;
    return h % n;
}

int plan_output_format(const char *input, int format)
{
    if (format >= 0)
        return format;
    int own = codec_output_format(path_ext(path_basename(input)));
    return own >= 0 ? own : CODEC_PNG;
}

char *plan_output_name(const char *input, const char *tag, int format)
{
    const char *ext = path_ext(path_basename(input));
    int out = plan_output_format(input, format);
    /* An input written in its own file format keeps its extension exactly
     * as spelled (a.JPEG gives a_ps.JPEG); GIF, PSD, PNM and the rest, and
     * any input converted by --format, get the output format's. */
    if (codec_format_of_ext(ext) != out)
        ext = codec_format_ext(out);
    char *stem = path_stem(input);
    if (stem == NULL)
        return NULL;
    size_t len = strlen(stem) + 1 + strlen(tag) + 1 + strlen(ext) + 1;
    char *name = malloc(len);
    if (name != NULL)
        snprintf(name, len, "%s_%s.%s", stem, tag, ext);
    free(stem);
    return name;
}

static noise_mode_t draw_mode(const plan_config_t *cfg, rng_t *rng)
{
    double total = 0.0;
    int last = NOISE_NONE;
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        total += cfg->weight[m];
        if (cfg->weight[m] > 0.0)
            last = m;
    }
    if (last == NOISE_NONE)
        return NOISE_NONE;  /* every weight is 0: the --modes none diagnostic */
    double u = rng_unit(rng) * total, acc = 0.0;
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        acc += cfg->weight[m];
        if (cfg->weight[m] > 0.0 && u < acc)
            return (noise_mode_t)m;
    }
    return (noise_mode_t)last;  /* only reached through rounding at the top */
}

/* Draws a partner for input `index`: uniform over the other images of its
 * pool; the image itself only when it is alone. Without pools the pool is
 * every input, and the draws are those made before pools existed. */
static size_t draw_partner(const plan_config_t *cfg, rng_t *rng, size_t count, size_t index)
{
    const plan_pool_t *pool = cfg->partners != NULL ? &cfg->partners->pools[index] : NULL;
    size_t n = pool != NULL ? pool->count : count;
    long self = pool != NULL ? pool->self : (long)index;
    size_t p;
    if (self < 0) {
        p = n > 1 ? (size_t)rng_below(rng, n) : 0;
    } else if (n <= 1) {
        p = (size_t)self;
    } else {
        p = (size_t)rng_below(rng, n - 1);
        p = p >= (size_t)self ? p + 1 : p;
    }
    return pool != NULL ? pool->members[p] : p;
}

const char *plan_partner_name(const plan_config_t *cfg, char *const *names, long partner)
{
    if (partner < 0)
        return NULL;
    return cfg->partners != NULL ? cfg->partners->names[partner] : names[partner];
}

/* The length of a name's folder part ("a/b/c.jpg": 3). */
static size_t folder_length(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash != NULL ? (size_t)(slash - name) : 0;
}

/* Orders two names by folder part alone. */
static int compare_folders(const char *a, const char *b)
{
    size_t la = folder_length(a), lb = folder_length(b);
    int c = memcmp(a, b, la < lb ? la : lb);
    return c != 0 ? c : (la > lb) - (la < lb);
}

/* Orders input indices by folder, then index. */
static char *const *sort_names;
static int compare_by_folder(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = compare_folders(sort_names[x], sort_names[y]);
    return c != 0 ? c : (x > y) - (x < y);
}

/* Sets out up for `count` candidates named by names and `pool_count`
 * inputs, with members 0 .. count-1 in order. Returns 0, or -1 on OOM. */
static int partners_alloc(plan_partners_t *out, char *const *names, size_t count,
                          size_t pool_count)
{
    memset(out, 0, sizeof *out);
    out->names = names;
    out->count = count;
    out->pool_count = pool_count;
    out->members = malloc((count ? count : 1) * sizeof *out->members);
    out->pools = malloc((pool_count ? pool_count : 1) * sizeof *out->pools);
    if (out->members == NULL || out->pools == NULL) {
        plan_partners_free(out);
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        out->members[i] = i;
    return 0;
}

int plan_partners_by_folder(char *const *names, size_t count, plan_partners_t *out)
{
    if (partners_alloc(out, names, count, count) != 0)
        return -1;
    /* qsort has no context argument in C11; planning is single-threaded. */
    sort_names = names;
    if (count > 1)
        qsort(out->members, count, sizeof *out->members, compare_by_folder);
    /* Each run of one folder is a pool, in input order. */
    for (size_t start = 0; start < count;) {
        size_t end = start + 1;
        while (end < count &&
               compare_folders(names[out->members[start]], names[out->members[end]]) == 0)
            end++;
        for (size_t k = start; k < end; k++)
            out->pools[out->members[k]] = (plan_pool_t){ out->members + start, end - start,
                                                         (long)(k - start) };
        start = end;
    }
    return 0;
}

int plan_partners_from(char *const *partner_names, size_t partner_count, size_t count,
                       plan_partners_t *out)
{
    if (partners_alloc(out, partner_names, partner_count, count) != 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        out->pools[i] = (plan_pool_t){ out->members, partner_count, -1 };
    return 0;
}

void plan_partners_free(plan_partners_t *p)
{
    free(p->members);
    free(p->pools);
    memset(p, 0, sizeof *p);
}

/* Ranges draw one number; fixed strengths draw none, so the default plans
 * match those made before ranges existed. */
static double draw_strength(const plan_config_t *cfg, noise_mode_t mode, rng_t *rng)
{
    if (mode == NOISE_NONE)
        return 0.0;
    plan_range_t r = cfg->strength[mode];
    return r.hi > r.lo ? r.lo + (r.hi - r.lo) * rng_unit(rng) : r.lo;
}

/* (Re)names the plan's output from its mode, partner and copy:
 * <stem>_<mode>[_<k>] or <stem>_{add,mix}_<partner stem>[_<k>]. */
static int name_output(const plan_config_t *cfg, char *const *names, size_t index, plan_t *plan)
{
    char *partner_stem = NULL;
    if (plan->partner >= 0 &&
        (partner_stem = path_stem(plan_partner_name(cfg, names, plan->partner))) == NULL)
        return -1;
    /* The tag; the partner's stem may be long, so it is appended below. */
    const char *base = partner_stem ? (plan->mode == NOISE_ADD_PIC ? "add_" : "mix_")
                                    : noise_mode_name(plan->mode);
    size_t len = strlen(base) + (partner_stem ? strlen(partner_stem) : 0) + 16;
    char tag[64];
    char *full = len <= sizeof tag ? tag : malloc(len);
    if (full == NULL) {
        free(partner_stem);
        return -1;
    }
    if (cfg->copies > 1)
        snprintf(full, len, "%s%s_%u", base, partner_stem ? partner_stem : "", plan->copy);
    else
        snprintf(full, len, "%s%s", base, partner_stem ? partner_stem : "");
    free(plan->out_name);
    plan->out_name = plan_output_name(names[index], full, cfg->format);
    if (full != tag)
        free(full);
    free(partner_stem);
    return plan->out_name != NULL ? 0 : -1;
}

int plan_make(const plan_config_t *cfg, char *const *names, size_t count,
              size_t index, unsigned copy, plan_t *out)
{
    rng_seed(&out->rng, rng_key(cfg->seed, names[index], copy));
    out->mode = draw_mode(cfg, &out->rng);
    out->fallback_from = -1;
    out->partner = -1;
    out->copy = copy;
    out->out_name = NULL;
    out->format = plan_output_format(names[index], cfg->format);
    if (noise_mode_needs_partner(out->mode))
        out->partner = (long)draw_partner(cfg, &out->rng, count, index);
    out->strength = draw_strength(cfg, out->mode, &out->rng);
    return name_output(cfg, names, index, out);
}

int plan_redraw_partner(const plan_config_t *cfg, char *const *names, size_t count,
                        size_t index, plan_t *plan)
{
    plan->partner = (long)draw_partner(cfg, &plan->rng, count, index);
    return name_output(cfg, names, index, plan);
}

int plan_fall_back(const plan_config_t *cfg, char *const *names, size_t index, plan_t *plan)
{
    plan->fallback_from = (int)plan->mode;
    plan->mode = noise_mode_fallback(plan->mode);
    plan->partner = -1;
    plan->strength = draw_strength(cfg, plan->mode, &plan->rng);
    return name_output(cfg, names, index, plan);
}

void plan_free(plan_t *plan)
{
    free(plan->out_name);
    plan->out_name = NULL;
}

/* --- earlier outputs in place ------------------------------------------ */

/* True when tag is a mode's name, or add_ or mix_ and the stem of an image
 * in `partners`. */
static int is_plain_tag(const char *tag, size_t len, const nameset_t *partners)
{
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        const char *mode = noise_mode_name((noise_mode_t)m);
        if (!noise_mode_needs_partner((noise_mode_t)m) && strlen(mode) == len &&
            memcmp(mode, tag, len) == 0)
            return 1;
    }
    if (len <= 4 || (memcmp(tag, "add_", 4) != 0 && memcmp(tag, "mix_", 4) != 0))
        return 0;
    char stem[4096];
    if (len - 4 >= sizeof stem)
        return 0;
    memcpy(stem, tag + 4, len - 4);
    stem[len - 4] = '\0';
    return nameset_find(partners, stem) != NULL;
}

int plan_is_output_tag(const char *tag, size_t len, const nameset_t *partners)
{
    if (is_plain_tag(tag, len, partners))
        return 1;
    /* A copy index: <tag>_<digits>. */
    size_t last = len;
    while (last > 0 && tag[last - 1] >= '0' && tag[last - 1] <= '9')
        last--;
    return last > 1 && last < len && tag[last - 1] == '_' &&
           is_plain_tag(tag, last - 1, partners);
}

char *plan_output_ext(const char *name, int format)
{
    char *out = plan_output_name(name, "x", format);
    if (out == NULL)
        return NULL;
    char *ext = strdup(path_ext(out));
    free(out);
    return ext;
}

char *plan_stem_key(const char *sub, const char *stem, const char *ext)
{
    char *key = path_join(sub, stem);
    if (key == NULL || ext == NULL)
        return key;
    size_t n = strlen(key), e = strlen(ext);
    char *with = realloc(key, n + e + 2);
    if (with == NULL) {
        free(key);
        return NULL;
    }
    with[n] = PLAN_KEY_EXT_SEPARATOR;
    memcpy(with + n + 1, ext, e + 1);
    return with;
}

/* True when stem with extension ext, in folder sub, reads as
 * <s>_<tag>[_<k>] where s is the stem of an image in that folder whose
 * outputs get that extension (in `stems`, keyed by plan_stem_key). */
static int is_output_stem(const char *sub, const char *stem, const char *ext,
                          const nameset_t *stems, const nameset_t *partners)
{
    size_t len = strlen(stem);
    int found = 0;
    char *prefix = malloc(len + 1);
    if (prefix == NULL)
        return 0;
    for (size_t pos = 1; !found && pos + 1 < len; pos++) {
        if (stem[pos] != '_')
            continue;
        memcpy(prefix, stem, pos);
        prefix[pos] = '\0';
        char *key = plan_stem_key(sub, prefix, ext);
        int known = key != NULL && nameset_find(stems, key) != NULL;
        free(key);
        found = known && plan_is_output_tag(stem + pos + 1, len - pos - 1, partners);
    }
    free(prefix);
    return found;
}

typedef struct {
    size_t index;
    size_t stem_len;
} by_stem_length_t;

static int compare_stem_length(const void *a, const void *b)
{
    const by_stem_length_t *x = a, *y = b;
    if (x->stem_len != y->stem_len)
        return x->stem_len < y->stem_len ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int plan_split_earlier_outputs(char **names, size_t *count, int format,
                               char *const *other_partners, size_t other_count,
                               char ***earlier, size_t *earlier_count)
{
    size_t n = *count;
    *earlier = NULL;
    *earlier_count = 0;
    if (n == 0)
        return 0;
    by_stem_length_t *order = malloc(n * sizeof *order);
    unsigned char *is_output = calloc(n, 1);
    nameset_t stems = { 0 }, partners = { 0 };
    int rc = order != NULL && is_output != NULL ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < other_count; i++) {
        size_t first;
        char *stem = path_stem(other_partners[i]);
        if (stem == NULL || nameset_add(&partners, stem, SIZE_MAX, &first) < 0)
            rc = -1;
        free(stem);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *base = path_basename(names[i]);
        const char *dot = strrchr(base, '.');
        order[i] = (by_stem_length_t){ i, dot != NULL && dot != base ? (size_t)(dot - base)
                                                                     : strlen(base) };
    }
    /* An output's stem is longer than its input's and its partner's, so in
     * order of stem length each file is judged against images already
     * known not to be outputs: an earlier output never makes another file
     * look like one, and the split is the same whichever outputs exist. */
    if (rc == 0)
        qsort(order, n, sizeof *order, compare_stem_length);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        size_t i = order[k].index, first;
        errno = 0;
        char *sub = path_mirror_dir(names[i]);
        char *stem = path_stem(names[i]);
        char *out_ext = plan_output_ext(names[i], format);
        if (sub == NULL || stem == NULL || out_ext == NULL) {
            rc = sub == NULL && errno == EINVAL && stem != NULL && out_ext != NULL
                     ? 0 : -1;  /* ".." inputs are refused later */
        } else if (is_output_stem(sub, stem, path_ext(path_basename(names[i])), &stems,
                                  &partners)) {
            is_output[i] = 1;
        } else {
            char *key = plan_stem_key(sub, stem, out_ext);
            if (key == NULL || nameset_add(&stems, key, i, &first) < 0 ||
                nameset_add(&partners, stem, i, &first) < 0)
                rc = -1;
            free(key);
        }
        free(sub);
        free(stem);
        free(out_ext);
    }
    size_t outputs = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        outputs += is_output[i];
    if (rc == 0 && outputs > 0 && (*earlier = malloc(outputs * sizeof **earlier)) == NULL)
        rc = -1;
    if (rc == 0 && outputs > 0) {
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            if (is_output[i])
                (*earlier)[(*earlier_count)++] = names[i];
            else
                names[kept++] = names[i];
        }
        *count = kept;
    }
    nameset_free(&stems);
    nameset_free(&partners);
    free(order);
    free(is_output);
    return rc;
}
