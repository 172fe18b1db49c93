/* plan: mode, partner, strength and output name for one output. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
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

int plan_make(const plan_config_t *cfg, char *const *names, size_t count,
              size_t index, unsigned copy, plan_t *out)
{
    rng_seed(&out->rng, rng_key(cfg->seed, names[index], copy));
    out->mode = draw_mode(cfg, &out->rng);
    out->partner = -1;
    out->copy = copy;
    out->strength = 0.0;
    out->out_name = NULL;
    out->format = plan_output_format(names[index], cfg->format);
    char tag[64];
    char *partner_stem = NULL;
    if (noise_mode_needs_partner(out->mode)) {
        /* Uniform over the other images; the image itself only when alone. */
        size_t p = index;
        if (count > 1) {
            p = (size_t)rng_below(&out->rng, count - 1);
            if (p >= index)
                p++;
        }
        out->partner = (long)p;
        partner_stem = path_stem(names[p]);
        if (partner_stem == NULL)
            return -1;
    }
    if (out->mode != NOISE_NONE) {
        /* Ranges draw one number; fixed strengths draw none, so the default
         * plans match those made before ranges existed. */
        plan_range_t r = cfg->strength[out->mode];
        out->strength = r.hi > r.lo ? r.lo + (r.hi - r.lo) * rng_unit(&out->rng) : r.lo;
    }
    /* The tag; the partner's stem may be long, so it is appended below. */
    const char *base = partner_stem ? (out->mode == NOISE_ADD_PIC ? "add_" : "mix_")
                                    : noise_mode_name(out->mode);
    size_t len = strlen(base) + (partner_stem ? strlen(partner_stem) : 0) + 16;
    char *full = len <= sizeof tag ? tag : malloc(len);
    if (full == NULL) {
        free(partner_stem);
        return -1;
    }
    if (cfg->copies > 1)
        snprintf(full, len, "%s%s_%u", base, partner_stem ? partner_stem : "", copy);
    else
        snprintf(full, len, "%s%s", base, partner_stem ? partner_stem : "");
    out->out_name = plan_output_name(names[index], full, cfg->format);
    if (full != tag)
        free(full);
    free(partner_stem);
    return out->out_name != NULL ? 0 : -1;
}

void plan_free(plan_t *plan)
{
    free(plan->out_name);
    plan->out_name = NULL;
}
