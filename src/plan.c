/* plan: mode, partner and output name for one input. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "scan.h"

char *plan_stem(const char *name)
{
    const char *ext = scan_ext(name);
    size_t len = *ext ? (size_t)(ext - 1 - name) : strlen(name);
    char *stem = malloc(len + 1);
    if (stem == NULL)
        return NULL;
    memcpy(stem, name, len);
    stem[len] = '\0';
    return stem;
}

char *plan_output_name(const char *input, const char *tag)
{
    const char *ext = scan_ext(input);
    /* Inputs written in another format (GIF, PSD, ...) become PNG; the
     * others keep their extension exactly as spelled. */
    if (codec_output_format(ext) == CODEC_PNG && strcasecmp(ext, "png") != 0)
        ext = "png";
    char *stem = plan_stem(input);
    if (stem == NULL)
        return NULL;
    size_t len = strlen(stem) + 1 + strlen(tag) + 1 + strlen(ext) + 1;
    char *out = malloc(len);
    if (out != NULL)
        snprintf(out, len, "%s_%s.%s", stem, tag, ext);
    free(stem);
    return out;
}

static noise_mode_t draw_mode(const plan_modes_t *modes, rng_t *rng)
{
    double total = 0.0;
    int last = NOISE_NONE;
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        total += modes->weight[m];
        if (modes->weight[m] > 0.0)
            last = m;
    }
    if (last == NOISE_NONE)
        return NOISE_NONE;  /* every weight is 0: the --modes none diagnostic */
    double u = rng_unit(rng) * total, acc = 0.0;
    for (int m = 0; m < NOISE_MODE_COUNT; m++) {
        acc += modes->weight[m];
        if (modes->weight[m] > 0.0 && u < acc)
            return (noise_mode_t)m;
    }
    return (noise_mode_t)last;  /* only reached through rounding at the top */
}

int plan_make(const plan_modes_t *modes, uint64_t seed, char *const *names,
              size_t count, size_t index, plan_t *out)
{
    rng_seed(&out->rng, rng_key(seed, names[index], 0));
    out->mode = draw_mode(modes, &out->rng);
    out->partner = -1;
    out->out_name = NULL;
    const char *tag = noise_mode_name(out->mode);
    char *partner_tag = NULL;
    if (noise_mode_needs_partner(out->mode)) {
        /* Uniform over the other images; the image itself only when alone. */
        size_t p = index;
        if (count > 1) {
            p = (size_t)rng_below(&out->rng, count - 1);
            if (p >= index)
                p++;
        }
        out->partner = (long)p;
        char *stem = plan_stem(names[p]);
        if (stem == NULL)
            return -1;
        size_t len = strlen(stem) + 5;
        partner_tag = malloc(len);
        if (partner_tag == NULL) {
            free(stem);
            return -1;
        }
        snprintf(partner_tag, len, "%s_%s",
                 out->mode == NOISE_ADD_PIC ? "add" : "mix", stem);
        free(stem);
        tag = partner_tag;
    }
    out->out_name = plan_output_name(names[index], tag);
    free(partner_tag);
    return out->out_name != NULL ? 0 : -1;
}

void plan_free(plan_t *plan)
{
    free(plan->out_name);
    plan->out_name = NULL;
}
