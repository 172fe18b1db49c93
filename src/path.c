/* path: joining, mirroring and naming, on strings only. */
#include "path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *path_join(const char *a, const char *b)
{
    if (*a == '\0')
        return strdup(b);
    if (*b == '\0')
        return strdup(a);
    size_t al = strlen(a), bl = strlen(b);
    int slash = a[al - 1] != '/';
    char *p = malloc(al + (size_t)slash + bl + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, a, al);
    if (slash)
        p[al] = '/';
    memcpy(p + al + (size_t)slash, b, bl + 1);
    return p;
}

char *path_join3(const char *a, const char *b, const char *c)
{
    char *ab = path_join(a, b);
    char *abc = ab != NULL ? path_join(ab, c) : NULL;
    free(ab);
    return abc;
}

char *path_mirror_dir(const char *name)
{
    const char *slash = strrchr(name, '/');
    if (slash == NULL)
        return strdup("");
    size_t len = (size_t)(slash - name);
    char *dir = malloc(len + 1), *out = dir;
    if (dir == NULL)
        return NULL;
    /* Component by component: drop "" and "." (so "/x" and "./x" stay
     * inside OUT_DIR), refuse "..". */
    const char *p = name, *end = name + len;
    while (p < end) {
        const char *q = memchr(p, '/', (size_t)(end - p));
        if (q == NULL)
            q = end;
        size_t n = (size_t)(q - p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            free(dir);
            errno = EINVAL;
            return NULL;
        }
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (out != dir)
                *out++ = '/';
            memcpy(out, p, n);
            out += n;
        }
        p = q + 1;
    }
    *out = '\0';
    return dir;
}

char *path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

const char *path_basename(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash != NULL ? slash + 1 : name;
}

const char *path_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot != NULL && dot != name ? dot + 1 : "";
}

char *path_stem(const char *name)
{
    const char *base = path_basename(name);
    const char *ext = path_ext(base);
    size_t len = *ext ? (size_t)(ext - 1 - base) : strlen(base);
    char *stem = malloc(len + 1);
    if (stem == NULL)
        return NULL;
    memcpy(stem, base, len);
    stem[len] = '\0';
    return stem;
}
