/* nameset: a set of strings, each with the index of who added it first.
 * The pipeline uses it to catch two inputs that would write the same
 * output name, before either is written. */
#ifndef NOISEAUG_NAMESET_H
#define NOISEAUG_NAMESET_H

#include <stddef.h>

typedef struct {
    char **keys;      /* open addressing; NULL marks a free slot */
    size_t *owners;
    size_t cap;       /* a power of two, or 0 */
    size_t count;
} nameset_t;

/* Adds a copy of name with owner. Returns 1 when added, 0 when the name was
 * there already (its first owner in *first), -1 when memory is short. */
int nameset_add(nameset_t *set, const char *name, size_t owner, size_t *first);

/* The owner stored with name, which may be changed through the pointer,
 * or NULL when name is not in the set. */
size_t *nameset_find(const nameset_t *set, const char *name);

/* Frees the set and leaves it empty. */
void nameset_free(nameset_t *set);

#endif
