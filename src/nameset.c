/* nameset: open addressing with linear probing, grown at half full. */
#include "nameset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001B3ull;
    return h ^ (h >> 29);
}

/* Slot of name, or of the free slot where it would go. */
static size_t find(const nameset_t *set, const char *name)
{
    size_t mask = set->cap - 1, i = (size_t)hash(name) & mask;
    while (set->keys[i] != NULL && strcmp(set->keys[i], name) != 0)
        i = (i + 1) & mask;
    return i;
}

static int grow(nameset_t *set)
{
    nameset_t bigger = { NULL, NULL, set->cap ? set->cap * 2 : 64, 0 };
    bigger.keys = calloc(bigger.cap, sizeof *bigger.keys);
    bigger.owners = calloc(bigger.cap, sizeof *bigger.owners);
    if (bigger.keys == NULL || bigger.owners == NULL) {
        free(bigger.keys);
        free(bigger.owners);
        return -1;
    }
    for (size_t i = 0; i < set->cap; i++) {
        if (set->keys[i] == NULL)
            continue;
        size_t j = find(&bigger, set->keys[i]);
        bigger.keys[j] = set->keys[i];
        bigger.owners[j] = set->owners[i];
        bigger.count++;
    }
    free(set->keys);
    free(set->owners);
    *set = bigger;
    return 0;
}

int nameset_add(nameset_t *set, const char *name, size_t owner, size_t *first)
{
    if (2 * (set->count + 1) > set->cap && grow(set) != 0)
        return -1;
    size_t i = find(set, name);
    if (set->keys[i] != NULL) {
        *first = set->owners[i];
        return 0;
    }
    set->keys[i] = strdup(name);
    if (set->keys[i] == NULL)
        return -1;
    set->owners[i] = owner;
    set->count++;
    return 1;
}

size_t *nameset_find(const nameset_t *set, const char *name)
{
    if (set->cap == 0)
        return NULL;
    size_t i = find(set, name);
    return set->keys[i] != NULL ? &set->owners[i] : NULL;
}

void nameset_free(nameset_t *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->keys[i]);
    free(set->keys);
    free(set->owners);
    memset(set, 0, sizeof *set);
}
