/* fileio: whole-file reads and atomic writes, with errno turned into words.
 *
 * Every temporary file in flight is registered, so that an interrupted run
 * can remove them all (fileio_remove_temporaries), even from a second
 * Ctrl-C that does not wait for workers. Creation happens under the
 * registry's lock, so no temporary can exist unregistered.
 *
 * Test builds (-DNOISEAUG_FAULT_INJECTION) read NOISEAUG_FAULT to inject the
 * faults the reliability tests need and cannot make for real as root:
 *   read:ERRNO:TEXT   opening a file whose path holds TEXT fails with ERRNO
 *                     (EACCES, ENOSPC, EMFILE; EIO for any other)
 *   gone:TEXT         the file is removed just before it is opened
 *   shrink:TEXT       the file is cut to half its size once it is opened
 *   write:ERRNO:TEXT  writing an output whose name holds TEXT fails
 *   delay:MS          every read first sleeps MS milliseconds
 *   slowwrite:MS      every write sleeps MS milliseconds with its temporary
 *                     file created, so a test can interrupt it there */
#define _GNU_SOURCE
#include "fileio.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- temporary-file registry ----------------------------------------- */

/* The registry is emptied from a signal handler (a second Ctrl-C), which
 * may take no lock and must not read memory another thread could free:
 * each slot owns its path buffer for the whole run, and its state is an
 * atomic flag. Slots are taken under a lock by the workers only. The
 * buffers are static, and pages never written cost no memory. */
enum { MAX_TEMPS = 2048, TEMP_PATH_MAX = 4096 };

static pthread_mutex_t temps_lock = PTHREAD_MUTEX_INITIALIZER;
static char temp_paths[MAX_TEMPS][TEMP_PATH_MAX];
static atomic_int temp_in_use[MAX_TEMPS];
static atomic_int temps_closed;  /* no new temporary after the removal */

/* Takes a free slot for a temporary file made from `template` (mkostemp's
 * XXXXXX form), creates the file and returns its descriptor, the slot in
 * *slot; -1 with errno when none is free or creation fails. */
static int temp_create(const char *template, int *slot)
{
    *slot = 0;
    if (strlen(template) >= TEMP_PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    pthread_mutex_lock(&temps_lock);
    int fd = -1, i = 0;
    while (i < MAX_TEMPS && atomic_load(&temp_in_use[i]))
        i++;
    if (atomic_load(&temps_closed)) {
        errno = ECANCELED;
    } else if (i == MAX_TEMPS) {
        errno = EMFILE;
    } else {
        strcpy(temp_paths[i], template);
        /* Marked before the file exists: a removal in between unlinks a
         * name that is not there yet, harmlessly; after, it cannot miss. */
        atomic_store(&temp_in_use[i], 1);
        fd = mkostemp(temp_paths[i], O_CLOEXEC);
        if (fd < 0)
            atomic_store(&temp_in_use[i], 0);
    }
    pthread_mutex_unlock(&temps_lock);
    *slot = i;
    return fd;
}

static void temp_forget(int slot)
{
    atomic_store(&temp_in_use[slot], 0);
}

void fileio_remove_temporaries(void)
{
    atomic_store(&temps_closed, 1);
    for (int i = 0; i < MAX_TEMPS; i++)
        if (atomic_load(&temp_in_use[i]))
            unlink(temp_paths[i]);
}

/* --- fault injection (test builds only) ------------------------------- */

#ifdef NOISEAUG_FAULT_INJECTION
/* The errno a fault of `kind` injects for path, or 0. */
static int fault(const char *kind, const char *path)
{
    const char *spec = getenv("NOISEAUG_FAULT");
    size_t k = strlen(kind);
    if (spec == NULL || strncmp(spec, kind, k) != 0 || spec[k] != ':')
        return 0;
    const char *arg = spec + k + 1;
    if (strcmp(kind, "delay") == 0 || strcmp(kind, "slowwrite") == 0) {
        struct timespec ts = { 0, atol(arg) % 1000 * 1000000L };
        ts.tv_sec = atol(arg) / 1000;
        nanosleep(&ts, NULL);
        return 0;
    }
    int code = EIO;
    if (strcmp(kind, "read") == 0 || strcmp(kind, "write") == 0) {
        const char *colon = strchr(arg, ':');
        if (colon == NULL)
            return 0;
        code = strncmp(arg, "EACCES", 6) == 0   ? EACCES
               : strncmp(arg, "ENOSPC", 6) == 0 ? ENOSPC
               : strncmp(arg, "EMFILE", 6) == 0 ? EMFILE
                                                : EIO;
        arg = colon + 1;
    }
    return strstr(path, arg) != NULL ? code : 0;
}
#else
static int fault(const char *kind, const char *path)
{
    (void)kind, (void)path;
    return 0;
}
#endif

int fileio_read_all(const char *path, unsigned char **data, size_t *len,
                    char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    fault("delay", path);
    if (fault("gone", path))
        unlink(path);
    int injected = fault("read", path);
    /* Non-blocking, so that a FIFO (or a device) put where a file was
     * expected cannot block a worker in open(); refused below, and the
     * flag cleared for a regular file. */
    int fd = injected ? (errno = injected, -1) : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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
    /* Refused from its size, before a byte is read: nothing noiseaug reads
     * (images, labels, originals) may pass 2 GiB, the decoders' limit. */
    if ((uint64_t)st.st_size > FILEIO_MAX_SIZE) {
        snprintf(err, errlen, "unsupported: file of %lld bytes, larger than 2 GiB",
                 (long long)st.st_size);
        close(fd);
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (fault("shrink", path) && truncate(path, st.st_size / 2) != 0) {
        snprintf(err, errlen, "cannot shrink for the test: %s", strerror(errno));
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
    char *final_path = path_join(dir, name);
    char *template = path_join(dir, ".noiseaug-tmp-XXXXXX");
    int rc = -1, slot = -1;
    if (final_path == NULL || template == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    int fd = temp_create(template, &slot);
    const char *tmp_path = temp_paths[slot];
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file: %s", strerror(errno));
        goto out;
    }
    fault("slowwrite", final_path);
    int injected = fault("write", final_path);
    if ((injected ? (errno = injected, -1) : write_all(fd, data, len)) != 0 ||
        fchmod(fd, mode) != 0) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
        close(fd);
        goto remove;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
        goto remove;
    }
    if (rename(tmp_path, final_path) != 0) {
        snprintf(err, errlen, "cannot rename into place: %s", strerror(errno));
        goto remove;
    }
    temp_forget(slot);
    rc = 0;
    goto out;
remove:
    /* Unlink first, then forget: an exit in between unlinks it once more,
     * harmlessly; the other order could leave the file behind. */
    unlink(tmp_path);
    temp_forget(slot);
out:
    free(final_path);
    free(template);
    return rc;
}

int fileio_stream_open(const char *path, fileio_stream_t *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->slot = -1;
    char *dir = path_dir(path);
    char *template = dir != NULL ? path_join(dir, ".noiseaug-tmp-XXXXXX") : NULL;
    s->final_path = strdup(path);
    int fd = -1;
    if (template == NULL || s->final_path == NULL)
        snprintf(err, errlen, "out of memory");
    else if ((fd = temp_create(template, &s->slot)) < 0)
        snprintf(err, errlen, "cannot create a temporary file: %s", strerror(errno));
    else if ((s->file = fdopen(fd, "w")) == NULL)
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
    free(dir);
    free(template);
    if (s->file != NULL)
        return 0;
    if (fd >= 0)
        close(fd);
    fileio_stream_abort(s);
    return -1;
}

void fileio_stream_abort(fileio_stream_t *s)
{
    if (s->file != NULL)
        fclose(s->file);
    if (s->slot >= 0) {
        unlink(temp_paths[s->slot]);
        temp_forget(s->slot);
    }
    free(s->final_path);
    memset(s, 0, sizeof *s);
    s->slot = -1;
}

int fileio_stream_commit(fileio_stream_t *s, mode_t mode, char *err, size_t errlen)
{
    int failed = fflush(s->file) != 0 || ferror(s->file) || fchmod(fileno(s->file), mode) != 0;
    if (!failed) {
        failed = fclose(s->file) != 0;
        s->file = NULL;
    }
    if (failed) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
    } else if (rename(temp_paths[s->slot], s->final_path) != 0) {
        snprintf(err, errlen, "cannot rename into place: %s", strerror(errno));
        failed = 1;
    } else {
        temp_forget(s->slot);
        s->slot = -1;
    }
    fileio_stream_abort(s);
    return failed ? -1 : 0;
}

int fileio_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int fileio_mkdir_p(const char *dir)
{
    if (*dir == '\0') {  /* no such directory, and nothing to walk */
        errno = ENOENT;
        return -1;
    }
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
