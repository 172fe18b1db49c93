/* output: everything on the writing side that is not the image itself.
 * Where each output goes (its paths, computed once per job), which names
 * are free (two outputs never share one, and in place no output takes an
 * input's), copies of originals, and label files. */
#ifndef NOISEAUG_OUTPUT_H
#define NOISEAUG_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>

#include "nameset.h"

/* One output's paths. */
typedef struct {
    char *in_path;       /* the input, as opened and as shown */
    char *partner_path;  /* the partner image of a pic mode, or NULL */
    char *subdir;        /* the input's directory mirrored under OUT_DIR, or "" */
    char *out_dir;       /* OUT_DIR/subdir, made before writing */
    char *out_path;      /* OUT_DIR/subdir/out_name, written and shown */
} output_paths_t;

/* Where inputs, partners and outputs are. */
typedef struct {
    const char *in_dir;       /* inputs are named relative to it; NULL: as given */
    const char *out_dir;
    const char *partner_dir;  /* partners are named relative to it; NULL: as given */
    int flat;                 /* image operands: every output straight in OUT_DIR,
                                 as cp puts its files */
} output_layout_t;

/* Fills p for input `name` written as `out_name` (partner: the partner's
 * name, or NULL). Returns 0, or -1 with the reason in err: a ".." that
 * would lead out of OUT_DIR, or memory. */
int output_paths_make(output_paths_t *p, const output_layout_t *layout, const char *name,
                      const char *out_name, const char *partner, char *err, size_t errlen);

/* Points p at a new output name and partner (a partner drawn again, or
 * none after a fallback), in the same folders. Returns 0, or -1 on OOM. */
int output_paths_rename(output_paths_t *p, const output_layout_t *layout, const char *out_name,
                        const char *partner);

/* Frees the paths and leaves them empty. */
void output_paths_free(output_paths_t *p);

/* The output names taken so far, each with its first owner. Owners below
 * input_count are inputs that write; owners from input_count on mark the
 * inputs' own names, reserved when writing beside them. */
typedef struct {
    nameset_t set;
    char *const *inputs;
    size_t input_count;
    struct output_file_id *ids;  /* every input file's (device, inode), sorted */
    size_t id_count;
    /* Earlier outputs found beside the inputs (output_names_reserve_earlier),
     * keyed as outputs are; read-only once made, so workers may ask. */
    nameset_t earlier;
    int out_format;          /* --format (codec_format_t), or -1 */
    int labels;              /* labels are copied: they are named by output stem */
    char *const *other_partners;  /* --partners DIR's images, whose stems tags carry */
    size_t other_partner_count;
    /* For output_name_is_unique, built on first use, keyed by the folder
     * the outputs go to: each input's stem with its outputs' extension
     * (plan_stem_key), its stem alone, its file name; and every stem. */
    pthread_mutex_t index_lock;
    int lock_made;
    int index_built;         /* 1 built, -1 out of memory */
    nameset_t stems, bare_stems, files, partners;
} output_names_t;

/* Starts the set; with in_place, every input's own name is taken from the
 * start, so that no output replaces an input. It also records which file
 * each input is (in_dir as for output_paths_make), for
 * output_names_is_input. Returns 0, or -1 on OOM. */
int output_names_init(output_names_t *names, char *const *inputs, size_t count,
                      const char *in_dir, int in_place);

/* Reserves the names of earlier outputs found beside the inputs
 * (plan_split_earlier_outputs), names as inputs are given. The first input
 * to plan an output under one of them takes it over, and the worker keeps
 * the file when it decodes whole: a rerun in place writes nothing new.
 * Returns 0, or -1 on OOM. */
int output_names_reserve_earlier(output_names_t *names, char *const *earlier, size_t count);

/* True when subdir/out_name is an earlier output's name (see above). Safe
 * from worker threads. */
int output_names_is_earlier(const output_names_t *names, const char *subdir,
                            const char *out_name);

/* True when path is one of the inputs' files, by device and inode: the
 * last guard before an output is written, whatever the layout (an input
 * listed from inside OUT_DIR, a symbolic link, a hard link). Safe from
 * worker threads: the set is only read. */
int output_names_is_input(const output_names_t *names, const char *path);

/* Takes subdir/out_name for input `index`, and with labels the label name
 * of its stem. Returns 0, or -1 with the reason in err: the name (or the
 * label name) is an input's, another input's output's, or memory is
 * short. */
int output_names_claim(output_names_t *names, const char *subdir, const char *out_name,
                       size_t index, char *err, size_t errlen);

/* What the names depend on: the run's --format (-1: none) and whether
 * labels are copied (a label is named by its output's stem, whatever the
 * extension). Call after output_names_init. */
void output_names_configure(output_names_t *names, int format, int labels);

/* Takes the label name of an output (its stem) for input `index`, which
 * has labels: two outputs of one stem (a.png's a_ps.png and a copied
 * original a_ps.gif) would otherwise share one label file, the last
 * written winning. Returns 0, or -1 with the reason in err. */
int output_names_claim_label(output_names_t *names, const char *subdir, const char *out_name,
                             size_t index, char *err, size_t errlen);

/* Writing labels beside the inputs' own (LABELS_OUT is --labels): every
 * input's stem is taken as a label name, so that no output's label
 * replaces an input's. Call after output_names_configure. Returns 0, or -1
 * on OOM. */
int output_names_reserve_labels(output_names_t *names);

/* True when no input but `index` can ever write subdir/out_name (or, with
 * labels, a label of its stem): no input there is named out_name (an
 * original copied, or an input beside which outputs are written), and no
 * other input there has a stem s, with outputs of this extension, such
 * that out_name's stem is s_<tag> for a tag it could carry
 * (plan_is_output_tag). A name that passes needs no claim: it is free
 * whatever the timing, so a partner drawn again after a failure (and the
 * renamed output) keeps the run the same for any -j. Safe from worker
 * threads. */
int output_name_is_unique(output_names_t *names, const char *subdir, const char *out_name,
                          size_t index);

void output_names_free(output_names_t *names);

/* Copies a file byte for byte, atomically (a copied original). */
int output_copy_file(const char *from, const char *to_dir, const char *to_name,
                     mode_t mode, char *err, size_t errlen);

/* True when path exists. */
int output_exists(const char *path);

/* True when path is a regular file that decodes whole (within max_pixels):
 * what --skip-existing keeps. A directory, an empty or cut file, or any
 * other file put where an output goes is made again. Its size goes to
 * *width and *height (the COCO file lists kept outputs too). */
int output_is_whole_image(const char *path, uint64_t max_pixels, int *width, int *height);

#endif
