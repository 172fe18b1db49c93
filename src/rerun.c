/* rerun: earlier outputs in OUT_DIR that this run would not write.
 *
 * Name patterns rather than a record of each run: a record goes stale as
 * soon as files are moved, renamed or copied between folders, and a
 * folder written by an older noiseaug has none, while the names are what
 * a user sees and what the in-place split already trusts. */
#include "rerun.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nameset.h"
#include "path.h"
#include "scan.h"

/* The planned output "sub/out_name" of copy `copy` of input i. */
static char *planned_name(const plan_config_t *cfg, char *const *names, size_t count,
                          size_t i, unsigned copy)
{
    plan_t plan;
    if (plan_make(cfg, names, count, i, copy, &plan) != 0)
        return NULL;
    errno = 0;
    char *sub = path_mirror_dir(names[i]);
    char *name = sub != NULL ? path_join(sub, plan.out_name) : NULL;
    free(sub);
    plan_free(&plan);
    return name;
}

int rerun_count_foreign(const plan_config_t *cfg, char *const *names, size_t count,
                        char *const *outputs, size_t output_count, rerun_foreign_t *found)
{
    found->foreign = 0;
    found->example = NULL;
    if (output_count == 0)
        return 0;
    nameset_t planned = { 0 };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < count; i++)
        for (unsigned k = 0; rc == 0 && k < cfg->copies; k++) {
            size_t first;
            char *name = planned_name(cfg, names, count, i, k);
            /* An input whose folder cannot be mirrored ("..") has no
             * output to compare with. */
            if (name == NULL && errno != EINVAL)
                rc = -1;
            else if (name != NULL && nameset_add(&planned, name, i, &first) < 0)
                rc = -1;
            free(name);
        }
    for (size_t o = 0; rc == 0 && o < output_count; o++) {
        if (nameset_find(&planned, outputs[o]) != NULL)
            continue;
        if (found->foreign++ == 0 && (found->example = strdup(outputs[o])) == NULL)
            rc = -1;
    }
    nameset_free(&planned);
    return rc;
}

/* names[0..count) and the files of OUT_DIR not among them, in one list for
 * plan_split_earlier_outputs; *from_out marks the latter. */
static int merge_names(char *const *names, size_t count, const scan_list_t *out,
                       char ***all, size_t *all_count, nameset_t *from_out)
{
    nameset_t inputs = { 0 };
    size_t n = 0, first;
    int rc = (*all = malloc((count + out->count + 1) * sizeof **all)) != NULL ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < count; i++)
        if (nameset_add(&inputs, names[i], i, &first) < 0 ||
            ((*all)[n] = strdup(names[i])) == NULL)
            rc = -1;
        else
            n++;
    for (size_t i = 0; rc == 0 && i < out->count; i++) {
        if (nameset_find(&inputs, out->names[i]) != NULL)
            continue;  /* an original copied by --include-originals */
        if (nameset_add(from_out, out->names[i], i, &first) < 0 ||
            ((*all)[n] = strdup(out->names[i])) == NULL)
            rc = -1;
        else
            n++;
    }
    nameset_free(&inputs);
    *all_count = n;
    return rc;
}

int rerun_find_foreign(const char *out_dir, int recursive, const plan_config_t *cfg,
                       char *const *names, size_t count, char *const *other_partners,
                       size_t other_count, rerun_foreign_t *found)
{
    found->foreign = 0;
    found->example = NULL;
    scan_options_t opts = { .recursive = recursive };
    scan_list_t out = { 0 };
    if (scan_dir(out_dir, &opts, &out) != 0) {
        /* A missing or unreadable OUT_DIR holds nothing to compare;
         * creating it reports what is wrong with it. */
        int short_of_memory = errno == ENOMEM;
        scan_free(&out);
        return short_of_memory ? -1 : 0;
    }
    char **all = NULL, **earlier = NULL;
    size_t all_count = 0, earlier_count = 0, kept = 0;
    nameset_t from_out = { 0 };
    int rc = merge_names(names, count, &out, &all, &all_count, &from_out);
    if (rc == 0 && from_out.count > 0)
        rc = plan_split_earlier_outputs(all, &all_count, cfg->format, other_partners,
                                        other_count, &earlier, &earlier_count);
    /* Only OUT_DIR's files count: an input named like another's output is
     * still an input here. */
    for (size_t i = 0; i < earlier_count; i++)
        if (nameset_find(&from_out, earlier[i]) != NULL)
            earlier[kept++] = earlier[i];
        else
            free(earlier[i]);
    if (rc == 0)
        rc = rerun_count_foreign(cfg, names, count, earlier, kept, found);
    for (size_t i = 0; i < kept; i++)
        free(earlier[i]);
    free(earlier);
    for (size_t i = 0; i < all_count; i++)
        free(all[i]);
    free(all);
    nameset_free(&from_out);
    scan_free(&out);
    return rc;
}

void rerun_foreign_free(rerun_foreign_t *found)
{
    free(found->example);
    found->example = NULL;
}
