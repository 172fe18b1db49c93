/* plan: what happens to one output, decided before any pixel is read.
 *
 * The mode, the partner, the strength and the output name come from the
 * output's own random stream, keyed by (seed, input name, copy index), so
 * they depend only on those and on the list of inputs: the same on every
 * machine, thread and shard, and known up front for --dry-run. */
#ifndef NOISEAUG_PLAN_H
#define NOISEAUG_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "nameset.h"
#include "noise.h"
#include "rng.h"

/* A strength: fixed when lo == hi, else drawn uniformly in [lo, hi]. */
typedef struct {
    double lo, hi;
} plan_range_t;

/* The partners one input may draw: indices into plan_partners_t.names,
 * and the input's own position among them (-1 when it is not one). */
typedef struct {
    const size_t *members;
    size_t count;
    long self;
} plan_pool_t;

/* Where partners come from. Without it (plan_config_t.partners NULL), the
 * partners of every input are all the inputs: a flat folder, --partners
 * all. With -r the default gives each input the images of its own folder,
 * so that a validation image never blends into a training one; with
 * --partners DIR, names are DIR's images and every pool holds them all. */
typedef struct {
    char *const *names;       /* the partner candidates */
    size_t count;
    plan_pool_t *pools;       /* one per input */
    size_t *members;          /* storage the pools point into */
    size_t pool_count;
} plan_partners_t;

typedef struct {
    uint64_t seed;
    double weight[NOISE_MODE_COUNT];          /* relative; all 0 = no noise */
    plan_range_t strength[NOISE_MODE_COUNT];  /* per mode */
    unsigned copies;                          /* outputs per input, >= 1 */
    int format;                               /* codec_format_t, or -1 to keep */
    const plan_partners_t *partners;          /* NULL: every input (see above) */
} plan_config_t;

/* Pools of the inputs' own folders (the folder part of each name): an
 * input draws among the other images beside it. Returns 0, or -1 on OOM. */
int plan_partners_by_folder(char *const *names, size_t count, plan_partners_t *out);

/* One pool of other images (--partners DIR) for each of `count` inputs.
 * Returns 0, or -1 on OOM. */
int plan_partners_from(char *const *partner_names, size_t partner_count, size_t count,
                       plan_partners_t *out);

void plan_partners_free(plan_partners_t *p);

/* The name of partner `partner` (an index as plan_t.partner holds it). */
const char *plan_partner_name(const plan_config_t *cfg, char *const *names, long partner);

/* Sets cfg to the defaults: every mode with weight 1 and its default
 * strength, one copy, formats kept, seed 0. */
void plan_defaults(plan_config_t *cfg);

typedef struct {
    noise_mode_t mode;
    int fallback_from; /* the partner mode this plan fell back from, or -1 */
    long partner;     /* index of the partner among the inputs (or among
                         cfg->partners->names when set), or -1 */
    double strength;  /* the strength this output uses */
    unsigned copy;    /* copy index k */
    int format;       /* codec_format_t the output is written in */
    rng_t rng;        /* the output's stream, past the plan's own draws */
    char *out_name;   /* <stem>_<tag>[_<k>].<ext>, no directory; malloc'd */
} plan_t;

/* Plans copy `copy` of input `index` of `names` (count > index); names may
 * contain directories, and only their last component names the output.
 * Returns 0, or -1 when memory is short. */
int plan_make(const plan_config_t *cfg, char *const *names, size_t count,
              size_t index, unsigned copy, plan_t *out);

/* How many partners a job tries, the planned one included, before it falls
 * back to a mode without one: with a share f of unusable images, a good
 * image falls back with probability f^4 (1e-4 for one bad file in ten). */
#define PLAN_PARTNER_TRIES 4

/* Replaces the plan's partner, which could not be used, with the next draw
 * from the plan's own stream (uniform over the other images, as the first),
 * and renames its output. The draws depend only on which partners failed,
 * never on timing, so the result is the same for any -j. Returns 0, or -1
 * when memory is short. */
int plan_redraw_partner(const plan_config_t *cfg, char *const *names, size_t count,
                        size_t index, plan_t *plan);

/* Turns a partner mode whose partners all failed into its fallback mode
 * (addPic -> addGauss, mixPic -> mixGauss: noise_mode_fallback), with that
 * mode's strength drawn from the plan's stream, and renames the output.
 * Returns 0, or -1 when memory is short. */
int plan_fall_back(const plan_config_t *cfg, char *const *names, size_t index, plan_t *plan);

/* Frees the plan's strings. */
void plan_free(plan_t *plan);

/* The codec format an input name is written in: `format` when it is not -1,
 * else the input's own where the encoder writes it, PNG otherwise. */
int plan_output_format(const char *input, int format);

/* Builds "<stem>_<tag>.<ext>" from the last component of input, where ext
 * is the input's own when it is written in its own format, else that of
 * `format`. malloc'd; NULL on OOM. */
char *plan_output_name(const char *input, const char *tag, int format);

/* The shard (0..n-1) an input name belongs to: FNV-1a of the name as given
 * (relative to IN_DIR, or as listed), modulo n. */
uint64_t plan_shard_of(const char *name, uint64_t n);

/* True when tag (len bytes) is what follows "<stem>_" in a noisy output's
 * stem: ps, addGauss, mixGauss, or add_/mix_ and a stem in `partners`,
 * each perhaps followed by _<k> (a copy index). */
int plan_is_output_tag(const char *tag, size_t len, const nameset_t *partners);

/* The extension the outputs of input `name` get, spelled as
 * plan_output_name spells it; malloc'd, NULL on OOM. */
char *plan_output_ext(const char *name, int format);

/* The key "sub/stem" (ext NULL) or "sub/stem" PLAN_KEY_EXT_SEPARATOR
 * "ext", under which an input's stem is looked up; malloc'd. */
#define PLAN_KEY_EXT_SEPARATOR '\x1f'
char *plan_stem_key(const char *sub, const char *stem, const char *ext);

/* Writing beside the inputs (OUT_DIR is IN_DIR), an interrupted run
 * leaves its outputs among the inputs. This moves out of names[0..*count)
 * every file named as noiseaug names an output of another: <s>_<tag> or
 * <s>_<tag>_<k>, where s is the stem of an image in the same folder whose
 * outputs get this file's extension (with `format`, the run's --format),
 * and tag is ps, addGauss, mixGauss, or add_/mix_ and the stem of any
 * image. The moved names go, in order, to a new array in
 * *earlier (to be freed with its strings); the rest keep theirs. Files are
 * judged in order of stem length against the images already known not to
 * be outputs, so the split, and with it every plan, is the same whichever
 * outputs exist: a resumed run plans what the uninterrupted one did.
 * other_partners (--partners DIR's images, or NULL) add their stems to
 * the add_/mix_ tags. Returns 0, or -1 when memory is short (names
 * unchanged). */
int plan_split_earlier_outputs(char **names, size_t *count, int format,
                               char *const *other_partners, size_t other_count,
                               char ***earlier, size_t *earlier_count);

#endif
