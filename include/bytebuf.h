/* bytebuf: a growable byte buffer, for encoders that write in pieces. */
#ifndef NOISEAUG_BYTEBUF_H
#define NOISEAUG_BYTEBUF_H

#include <stddef.h>

typedef struct {
    unsigned char *data;
    size_t len;
    size_t cap;
    int failed;  /* an append could not grow the buffer; later ones do nothing */
} bytebuf_t;

/* Appends n bytes. Returns 0, or -1 (and sets failed) when memory is short
 * or the size is past any real image. */
int bytebuf_append(bytebuf_t *b, const void *p, size_t n);

/* Frees the buffer and leaves it empty. */
void bytebuf_free(bytebuf_t *b);

#endif
