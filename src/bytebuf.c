/* bytebuf: doubling growth, with a bound on the total size. */
#include "bytebuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int bytebuf_append(bytebuf_t *b, const void *p, size_t n)
{
    if (b->failed)
        return -1;
    if (n == 0)
        return 0;
    if (n > SIZE_MAX / 4 - b->len) {  /* sizes past any real image */
        b->failed = 1;
        return -1;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *q = realloc(b->data, cap);
        if (q == NULL) {
            b->failed = 1;
            return -1;
        }
        b->data = q;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void bytebuf_free(bytebuf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
