/* fileio: whole-file reads and atomic writes, with errno turned into words. */
#define _GNU_SOURCE
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fileio_read_all(const char *path, unsigned char **data, size_t *len,
                    char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot stat: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return -1;
    }
    /* Read to end of file rather than trusting st_size, so a file that
     * changes size underneath us is still read consistently. */
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    unsigned char *buf = malloc(cap);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory reading %zu bytes", cap);
        close(fd);
        return -1;
    }
    for (;;) {
        if (n == cap) {
            unsigned char *p = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (p == NULL) {
                snprintf(err, errlen, "out of memory reading the file");
                free(buf);
                close(fd);
                return -1;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *data = buf;
    *len = n;
    return 0;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int fileio_write_atomic(const char *dir, const char *name,
                        const unsigned char *data, size_t len, mode_t mode,
                        char *err, size_t errlen)
{
    char *final_path = fileio_join(dir, name);
    char *tmp_path = fileio_join(dir, ".noiseaug-tmp-XXXXXX");
    int rc = -1;
    if (final_path == NULL || tmp_path == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    int fd = mkostemp(tmp_path, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file: %s", strerror(errno));
        goto out;
    }
    if (write_all(fd, data, len) != 0 || fchmod(fd, mode) != 0) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
        close(fd);
        unlink(tmp_path);
        goto out;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
        unlink(tmp_path);
        goto out;
    }
    if (rename(tmp_path, final_path) != 0) {
        snprintf(err, errlen, "cannot rename into place: %s", strerror(errno));
        unlink(tmp_path);
        goto out;
    }
    rc = 0;
out:
    free(final_path);
    free(tmp_path);
    return rc;
}

char *fileio_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + (size_t)slash + nl + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + (size_t)slash, name, nl + 1);
    return p;
}

int fileio_mkdir_p(const char *dir)
{
    char *path = strdup(dir);
    if (path == NULL)
        return -1;
    /* Create each prefix in turn; EEXIST on the way is fine as long as the
     * final path ends up a directory. */
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                free(path);
                errno = e;
                return -1;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    struct stat st;
    int rc = 0;
    if (stat(path, &st) != 0) {
        rc = -1;
    } else if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        rc = -1;
    }
    int e = errno;
    free(path);
    errno = e;
    return rc;
}
