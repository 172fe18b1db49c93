/* replay_main: runs the fuzz target once on each file named, without
 * libFuzzer, so `make test` replays the regressions with any compiler. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        unsigned char *data;
        size_t len;
        char err[512];
        if (fileio_read_all(argv[i], &data, &len, err, sizeof err) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], err);
            return 1;
        }
        LLVMFuzzerTestOneInput(data, len);
        free(data);
        n++;
    }
    printf("replay: %d inputs, no crash\n", n);
    return 0;
}
