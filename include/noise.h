/* noise: the five pixel functions. Pure: no I/O, no global state.
 *
 * Every function touches colour samples only; alpha stays byte-identical.
 * Results are rounded to nearest and clipped to [0, max]. */
#ifndef NOISEAUG_NOISE_H
#define NOISEAUG_NOISE_H

#include "image.h"
#include "rng.h"

typedef enum {
    NOISE_PS,         /* salt and pepper */
    NOISE_ADD_GAUSS,  /* blend with Gaussian noise */
    NOISE_MIX_GAUSS,  /* replace a fraction of samples by Gaussian draws */
    NOISE_ADD_PIC,    /* blend with a partner image */
    NOISE_MIX_PIC,    /* replace a fraction of samples by partner samples */
    NOISE_MODE_COUNT,
    /* Diagnostic: decode and re-encode without noise (the codec floor). */
    NOISE_NONE = NOISE_MODE_COUNT
} noise_mode_t;

/* The default strength of each mode, those of the competition script this
 * tool replaces: ps amount 0.05 (total probability a sample becomes 0 or
 * max), addGauss weight 0.1, mix rate 0.05 (probability a sample is
 * replaced, mixGauss and mixPic), addPic blend 0.1. */
double noise_default_strength(noise_mode_t mode);

/* The mode's name as used on the command line ("ps", "addGauss", ...,
 * "none"). */
const char *noise_mode_name(noise_mode_t mode);

/* Parses a mode name; returns -1 when it is not one of the five. */
int noise_mode_parse(const char *name, size_t len);

/* True for the modes that need a partner image. */
int noise_mode_needs_partner(noise_mode_t mode);

/* Mean and population standard deviation of the colour samples. */
void noise_colour_stats(const image_t *img, double *mean, double *std);

/* Each colour sample becomes 0 with probability amount/2, max with
 * probability amount/2, and otherwise stays. */
void noise_salt_pepper(image_t *img, rng_t *rng, double amount);

/* out = (1-w)·x + w·g with g ~ N(mean, std) of the image, drawn per sample.
 * Returns 0, or -1 when memory for its table is short (img unchanged). */
int noise_add_gauss(image_t *img, rng_t *rng, double weight);

/* Each colour sample is, with probability rate, replaced by g ~ N(mean, std). */
void noise_mix_gauss(image_t *img, rng_t *rng, double rate);

/* The partner of addPic and mixPic may have any size, channels and depth;
 * it is seen through noise_fit_partner's mapping, without a fitted copy. */

/* out = (1-w)·x + w·p, p the co-located sample of the fitted partner.
 * Returns 0, or -1 when memory for a row is short (img is then unchanged). */
int noise_add_pic(image_t *img, const image_t *partner, double blend);

/* Each colour sample is, with probability rate, replaced by the co-located
 * sample of the fitted partner. */
void noise_mix_pic(image_t *img, const image_t *partner, rng_t *rng, double rate);

/* Makes a partner fit for img: nearest-neighbour resize to img's size
 * (pixel centres map to source pixels), colour channels only (grey is
 * replicated, colour becomes grey by Rec. 601 luma, alpha is dropped), and
 * img's bit depth (x257 or /257, rounded). Returns 0, or -1 without memory. */
int noise_fit_partner(const image_t *src, const image_t *img, image_t *out);

#endif
