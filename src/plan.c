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

/* Draws a partner for input `index`: uniform over the other images; the
 * image itself only when it is alone. */
static size_t draw_partner(rng_t *rng, size_t count, size_t index)
{
    if (count <= 1)
        return index;
    size_t p = (size_t)rng_below(rng, count - 1);
    return p >= index ? p + 1 : p;
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
    if (plan->partner >= 0 && (partner_stem = path_stem(names[plan->partner])) == NULL)
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
        out->partner = (long)draw_partner(&out->rng, count, index);
    out->strength = draw_strength(cfg, out->mode, &out->rng);
    return name_output(cfg, names, index, out);
}

int plan_redraw_partner(const plan_config_t *cfg, char *const *names, size_t count,
                        size_t index, plan_t *plan)
{
    plan->partner = (long)draw_partner(&plan->rng, count, index);
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
