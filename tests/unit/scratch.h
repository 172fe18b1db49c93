/* scratch: a fresh folder for one cmocka test, as its state, removed with
 * everything in it afterwards. Header-only: each test binary that needs it
 * includes it once. */
#ifndef NOISEAUG_TEST_SCRATCH_H
#define NOISEAUG_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Setup: makes /tmp/noiseaug-test-XXXXXX and passes its path as *state. */
static int scratch_make(void **state)
{
    char *dir = strdup("/tmp/noiseaug-test-XXXXXX");
    if (dir == NULL || mkdtemp(dir) == NULL) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

/* Teardown: removes the folder and what the test left in it. */
static int scratch_remove(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", (char *)*state);
    int rc = system(cmd);
    free(*state);
    return rc == 0 ? 0 : -1;
}

#endif
