/* noise: the noise modes and their pixel functions. Pure: no I/O, no
 * global state.
 *
 * Each mode is one entry of the mode table in noise.c: its name, whether it
 * needs a partner, its strength parameter and its kernel. Other modules ask
 * the table (noise_mode_info and the lookups below) and apply a mode only
 * through noise_apply, so adding a mode means one table entry and one
 * kernel.
 *
 * Every kernel touches colour samples only; alpha stays byte-identical.
 * Results are rounded to nearest and clipped to [0, max]. */
#ifndef NOISEAUG_NOISE_H
#define NOISEAUG_NOISE_H

#include "image.h"
#include "rng.h"

typedef enum {
    /* Salt and pepper: each colour sample becomes 0 with probability
     * amount/2, max with probability amount/2, and otherwise stays. */
    NOISE_PS,
    /* out = (1-w)·x + w·g with g ~ N(mean, std) of the image, drawn per
     * sample. */
    NOISE_ADD_GAUSS,
    /* Each colour sample is, with probability rate, replaced by
     * g ~ N(mean, std). */
    NOISE_MIX_GAUSS,
    /* out = (1-w)·x + w·p, p the co-located sample of the fitted partner. */
    NOISE_ADD_PIC,
    /* Each colour sample is, with probability rate, replaced by the
     * co-located sample of the fitted partner. */
    NOISE_MIX_PIC,
    NOISE_MODE_COUNT,
    /* Diagnostic: decode and re-encode without noise (the codec floor). */
    NOISE_NONE = NOISE_MODE_COUNT
} noise_mode_t;

/* A mode's kernel: changes img in place with the given strength, drawing
 * from rng and reading partner only when the mode needs them. Returns 0, or
 * -1 when memory is short (img is then unchanged). */
typedef int (*noise_kernel_t)(image_t *img, const image_t *partner, rng_t *rng,
                              double strength);

/* A mode's strength parameter. */
typedef struct {
    const char *name;    /* "amount", "weight", "rate", "blend" */
    const char *option;  /* long option that sets it, without "--"; NULL for none */
    double def;          /* default */
    double lo, hi;       /* valid range */
} noise_param_t;

/* One entry of the mode table. */
typedef struct {
    const char *name;       /* as on the command line: "ps", "addGauss", ... */
    int needs_partner;      /* addPic and mixPic read a second image */
    /* What a partner mode becomes when no usable partner can be found: the
     * Gaussian mode of the same form (a blend, or replaced samples), which
     * needs no second image. A mode without a partner is its own. */
    int fallback;
    noise_param_t strength;
    noise_kernel_t apply;   /* called through noise_apply only */
} noise_mode_info_t;

/* The table entry of a mode (NOISE_NONE included); NULL for any other
 * value. */
const noise_mode_info_t *noise_mode_info(noise_mode_t mode);

/* Applies a mode's kernel to img; partner must be an image for the modes
 * that need one and may be NULL otherwise. NOISE_NONE changes nothing.
 * Returns 0, or -1 when memory is short or the mode is not in the table
 * (img is then unchanged). */
int noise_apply(noise_mode_t mode, image_t *img, const image_t *partner, rng_t *rng,
                double strength);

/* The mode's default strength; 0 for NOISE_NONE. */
double noise_default_strength(noise_mode_t mode);

/* The mode's name as used on the command line ("ps", "addGauss", ...,
 * "none"). */
const char *noise_mode_name(noise_mode_t mode);

/* Parses a mode name; returns -1 when it is not one of the five. */
int noise_mode_parse(const char *name, size_t len);

/* True for the modes that need a partner image. */
int noise_mode_needs_partner(noise_mode_t mode);

/* The mode a partner mode falls back to (see noise_mode_info_t); the mode
 * itself for the others. */
noise_mode_t noise_mode_fallback(noise_mode_t mode);

/* Mean and population standard deviation of the colour samples. */
void noise_colour_stats(const image_t *img, double *mean, double *std);

/* Makes a partner fit for img: nearest-neighbour resize to img's size
 * (pixel centres map to source pixels), colour channels only (grey is
 * replicated, colour becomes grey by Rec. 601 luma, alpha is dropped), and
 * img's bit depth (x257 or /257, rounded). Returns 0, or -1 without memory.
 * The addPic and mixPic kernels see their partner, of any size, channels
 * and depth, through this same mapping, without a fitted copy. */
int noise_fit_partner(const image_t *src, const image_t *img, image_t *out);

#endif
