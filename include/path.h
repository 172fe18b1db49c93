/* path: everything noiseaug does with path strings, and nothing with the
 * file system. Inputs are named relative to IN_DIR (or as listed), and
 * each output mirrors its input's directory under OUT_DIR; these functions
 * turn one into the other. Every returned string is malloc'd (NULL when
 * memory is short) unless it points into the argument. */
#ifndef NOISEAUG_PATH_H
#define NOISEAUG_PATH_H

/* a/b with one slash between them; an empty part is left out, so
 * path_join("", "x") is "x" and path_join("d", "") is "d". */
char *path_join(const char *a, const char *b);

/* a/b/c, empty parts left out as path_join does. */
char *path_join3(const char *a, const char *b, const char *c);

/* The directory part of an input name as mirrored under OUT_DIR: "" when
 * there is none; "" and "." components are dropped, so "/x/a.jpg" and
 * "./x/a.jpg" stay inside OUT_DIR as "x". NULL with errno EINVAL when a
 * ".." component would lead out of it (or with ENOMEM). */
char *path_mirror_dir(const char *name);

/* The folder a path lies in, as dirname(1) gives it: "." when there is
 * no slash, "/" for a file at the root. */
char *path_dir(const char *path);

/* The last component of name (points into it). */
const char *path_basename(const char *name);

/* The extension of name after its last dot, or "" when there is none or
 * the dot starts the name (".bashrc"). Points into name. */
const char *path_ext(const char *name);

/* The last component of name without its extension. */
char *path_stem(const char *name);

#endif
