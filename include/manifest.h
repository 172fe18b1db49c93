/* manifest: the --manifest file, JSON Lines, one record per output, in
 * input order, flushed record by record so a crash loses nothing written. */
#ifndef NOISEAUG_MANIFEST_H
#define NOISEAUG_MANIFEST_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
    const char *input;    /* path as shown on stdout */
    const char *output;   /* path as shown on stdout */
    const char *mode;     /* "ps" ... "mixPic", "original" or "none" */
    int has_strength;
    double strength;
    const char *partner;  /* input name, or NULL */
    /* Partners that could not be used before this one (or before the
     * fallback), and the partner mode fallen back from (NULL: none). Both
     * written only when there are some. */
    const char *const *partners_failed;
    unsigned partners_failed_count;
    const char *fallback_from;
    uint64_t seed;
    unsigned copy;
    int width, height, channels, bits;  /* 0 when not known (dry run, failure) */
    const char *status;   /* "ok", "failed", "skipped" or "dry-run" */
    const char *error;    /* or NULL */
    const char *encoder;  /* the build's encoders (codec_encoder) */
    int metadata_known;   /* the output was encoded here: metadata is written */
    unsigned metadata;    /* META_* kinds (imgmeta.h) the output kept */
} manifest_record_t;

/* Writes s as a JSON string, quotes included. Control characters are
 * escaped; valid UTF-8 is copied; each byte of invalid UTF-8 becomes
 * \udcXX (80 <= XX <= FF), Python's "surrogateescape" convention, so a
 * file name that is not UTF-8 survives the round trip through json.loads
 * and os.fsencode. */
void manifest_write_string(FILE *f, const char *s);

/* Writes one record as a line and flushes. Returns 0, or -1 on an error. */
int manifest_write(FILE *f, const manifest_record_t *r);

#endif
