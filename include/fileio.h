/* fileio: whole-file reads and atomic writes. */
#ifndef NOISEAUG_FILEIO_H
#define NOISEAUG_FILEIO_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The largest file read: 2 GiB - 1, the decoders' limit. */
#define FILEIO_MAX_SIZE 0x7FFFFFFFull

/* Reads a regular file of at most FILEIO_MAX_SIZE bytes into a fresh
 * malloc'd buffer. A FIFO or device never blocks the call: it is refused
 * as "not a regular file". Returns 0, or -1 with the reason in err. */
int fileio_read_all(const char *path, unsigned char **data, size_t *len,
                    char *err, size_t errlen);

/* Writes data to dir/name atomically: a hidden temporary file in dir is
 * written, flushed and renamed into place, so readers see either nothing or
 * the whole file. The file gets permissions `mode`. On failure the
 * temporary file is removed and -1 returned with the reason in err. */
int fileio_write_atomic(const char *dir, const char *name,
                        const unsigned char *data, size_t len, mode_t mode,
                        char *err, size_t errlen);

/* A file written piece by piece and published whole, as
 * fileio_write_atomic publishes one buffer: for outputs too large to build
 * in memory (a COCO file of the size of train2017). */
typedef struct {
    FILE *file;          /* write to it with stdio */
    int slot;            /* its temporary's registration */
    char *final_path;
} fileio_stream_t;

/* Opens a hidden temporary file beside path for writing. Returns 0, or -1
 * with the reason in err. */
int fileio_stream_open(const char *path, fileio_stream_t *s, char *err, size_t errlen);

/* Flushes the stream, gives it permissions `mode` and renames it into
 * place; on failure removes it. Returns 0, or -1 with the reason in err. */
int fileio_stream_commit(fileio_stream_t *s, mode_t mode, char *err, size_t errlen);

/* Closes and removes the temporary file: nothing is published. */
void fileio_stream_abort(fileio_stream_t *s);

/* Removes every temporary file a write has in flight, and keeps any new
 * one from being made: for an exit that does not wait for the workers.
 * Async-signal-safe: no lock, no allocation, only atomics and unlink(). */
void fileio_remove_temporaries(void);

/* True when both paths exist and name the same file (or directory). */
int fileio_same_file(const char *a, const char *b);

/* Creates dir and its missing parents, like mkdir -p. Returns 0, or -1 with
 * errno set. */
int fileio_mkdir_p(const char *dir);

#endif
