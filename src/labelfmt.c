/* labelfmt: Pascal VOC and LabelMe labels rewritten for their output image.
 *
 * Both rewrites parse the whole document, change the few fields that name
 * or describe the image, and write the document out again. A parsed tree
 * is kept as it was read wherever it is not changed: libxml2 keeps
 * comments, attributes and the whitespace between elements as nodes, and
 * jansson keeps the order of object keys (since 2.8 it always does).
 *
 * Labels come from the user's folder, so they are hostile input. libxml2
 * is asked for nothing that reaches outside the document: no network, no
 * DTD loading and no entity substitution, so an external entity is never
 * fetched and a "billion laughs" entity is never expanded; its size limits
 * stay on (no XML_PARSE_HUGE).
 *
 * libxml2 2.9 reports errors through handlers that print to stderr unless
 * replaced, and has no per-parse way to replace them (xmlCtxtSetErrorHandler
 * came in 2.13). Its handlers are per-thread state when it is built with
 * threads, so each call here installs its own for its own duration and
 * then puts back the ones it found: workers neither print nor see each
 * other's errors. */
#include "labelfmt.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>

#include "bytebuf.h"

void labelfmt_init(void)
{
    xmlInitParser();
}

/* ---- kinds ------------------------------------------------------------ */

static const struct {
    const char *ext;
    labelfmt_kind_t kind;
} kinds[] = {
    { "xml", LABELFMT_VOC },
    { "json", LABELFMT_LABELME },
};

labelfmt_kind_t labelfmt_kind_of_ext(const char *ext)
{
    /* The dot is optional, so that path_ext's answer ("xml") and the
     * header's example (".xml") mean the same. */
    if (*ext == '.')
        ext++;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcasecmp(ext, kinds[i].ext) == 0)
            return kinds[i].kind;
    return LABELFMT_COPY;
}

/* ---- errors ----------------------------------------------------------- */

/* Formats a reason into err, on one line whatever the libraries' messages
 * hold (libxml2's end with a newline), and returns -1. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    for (char *p = err; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    size_t n = strlen(err);
    while (n > 0 && err[n - 1] == ' ')
        err[--n] = '\0';
    return -1;
}

/* ---- Pascal VOC (libxml2) --------------------------------------------- */

#define XML_OPTIONS XML_PARSE_NONET

/* The first error of a parse: later ones tend to be its consequences
 * ("Premature end of data" after a tag mismatch). */
typedef struct {
    int have;
    int no_memory;
    int line;
    char message[256];
} xml_first_error_t;

static void keep_first_error(void *data, xmlErrorPtr e)
{
    xml_first_error_t *first = data;
    if (first->have || e == NULL || e->level < XML_ERR_ERROR)
        return;
    first->have = 1;
    first->no_memory = e->code == XML_ERR_NO_MEMORY;
    first->line = e->line;
    snprintf(first->message, sizeof first->message, "%s",
             e->message != NULL ? e->message : "unknown error");
}

/* Some of libxml2 still calls the generic handler directly. */
static void ignore_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* The calling thread's libxml2 error handlers, to be put back. */
typedef struct {
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
    xmlGenericErrorFunc generic;
    void *generic_ctx;
} xml_handlers_t;

static void xml_handlers_quiet(xml_handlers_t *saved, xml_first_error_t *first)
{
    saved->structured = xmlStructuredError;
    saved->structured_ctx = xmlStructuredErrorContext;
    saved->generic = xmlGenericError;
    saved->generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(first, keep_first_error);
    xmlSetGenericErrorFunc(NULL, ignore_generic);
}

static void xml_handlers_restore(const xml_handlers_t *saved)
{
    xmlSetStructuredErrorFunc(saved->structured_ctx, saved->structured);
    xmlSetGenericErrorFunc(saved->generic_ctx, saved->generic);
}

static int xml_parse_failed(const xml_first_error_t *first, char *err, size_t errlen)
{
    if (!first->have)
        return fail(err, errlen, "not well-formed XML");
    if (first->no_memory)
        return fail(err, errlen, "out of memory reading XML");
    if (first->line > 0)
        return fail(err, errlen, "not well-formed XML: line %d: %s", first->line,
                    first->message);
    return fail(err, errlen, "not well-formed XML: %s", first->message);
}

/* The first child element of parent called name, or NULL. */
static xmlNodePtr find_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
            return c;
    return NULL;
}

static xmlNodePtr first_element(xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

/* A copy of the indentation before node, or NULL when there is none. A
 * new element gets its neighbour's, so that an indented file stays so. */
static xmlNodePtr copy_indent(xmlNodePtr node)
{
    xmlNodePtr ws = node->prev;
    if (ws == NULL || ws->type != XML_TEXT_NODE || !xmlIsBlankNode(ws))
        return NULL;
    return xmlNewDocText(node->doc, ws->content);
}

/* Puts elem into parent after the element `after`, or when that is NULL
 * before parent's first element (or as its only child). Text nodes are
 * added only next to elements: libxml2 merges adjacent text nodes, which
 * would put the indentation on the wrong side of elem. Returns elem. */
static xmlNodePtr place(xmlNodePtr parent, xmlNodePtr after, xmlNodePtr elem)
{
    xmlNodePtr ref = after != NULL ? after : first_element(parent);
    if (ref == NULL)
        return xmlAddChild(parent, elem);
    xmlNodePtr indent = copy_indent(ref);
    if (after != NULL)
        xmlAddNextSibling(ref, elem);
    else
        xmlAddPrevSibling(ref, elem);
    if (indent != NULL)
        xmlAddPrevSibling(after != NULL ? elem : ref, indent);
    return elem;
}

/* parent's child element called name, made after `after` (see place)
 * when there is none; NULL when memory is short. */
static xmlNodePtr ensure_child(xmlNodePtr parent, const char *name, xmlNodePtr after)
{
    xmlNodePtr c = find_child(parent, name);
    if (c != NULL)
        return c;
    c = xmlNewDocNode(parent->doc, NULL, BAD_CAST name, NULL);
    return c != NULL ? place(parent, after, c) : NULL;
}

/* Replaces everything inside node with the text. A text node is stored
 * unescaped and escaped when written; xmlNodeSetContent would instead read
 * '&' as the start of an entity reference. */
static int set_text(xmlNodePtr node, const char *text)
{
    if (node == NULL)
        return -1;
    xmlNodePtr t = xmlNewDocText(node->doc, BAD_CAST text);
    if (t == NULL)
        return -1;
    while (node->children != NULL) {
        xmlNodePtr c = node->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    xmlAddChild(node, t);
    return 0;
}

static int set_number(xmlNodePtr node, unsigned n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%u", n);
    return set_text(node, buf);
}

/* Whether s can be the text of an element: UTF-8, without the control
 * characters XML 1.0 has no way to write. */
static int is_xml_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
    return xmlCheckUTF8((const unsigned char *)s) != 0;
}

/* <size> and its three numbers, made where missing: after <source> as
 * labelImg writes it, else after <path>. */
static int voc_set_size(xmlNodePtr root, xmlNodePtr path, const labelfmt_image_t *img)
{
    xmlNodePtr source = find_child(root, "source");
    xmlNodePtr size = ensure_child(root, "size", source != NULL ? source : path);
    if (size == NULL)
        return -1;
    xmlNodePtr width = ensure_child(size, "width", NULL);
    xmlNodePtr height = width != NULL ? ensure_child(size, "height", width) : NULL;
    xmlNodePtr depth = height != NULL ? ensure_child(size, "depth", height) : NULL;
    if (set_number(width, img->width) != 0 || set_number(height, img->height) != 0
        || set_number(depth, img->depth) != 0)
        return -1;
    return 0;
}

/* Makes the annotation describe img; -1 when memory is short. */
static int voc_edit(xmlNodePtr root, const labelfmt_image_t *img)
{
    xmlNodePtr filename = ensure_child(root, "filename", find_child(root, "folder"));
    if (filename == NULL || set_text(filename, img->file_name) != 0)
        return -1;
    xmlNodePtr path = ensure_child(root, "path", filename);
    if (path == NULL || set_text(path, img->path) != 0)
        return -1;
    return voc_set_size(root, path, img);
}

/* Writes doc out in its own encoding, with its whitespace as it is
 * (format 0 adds none), into a malloc'd copy: the header promises memory
 * that free() releases. A document that declares no encoding is UTF-8,
 * and is written as such with the declaration saying so: without one,
 * libxml2 would write every non-ASCII character as a reference. */
static int voc_dump(xmlDocPtr doc, unsigned char **out, size_t *out_len)
{
    xmlChar *mem = NULL;
    int size = 0;
    const char *encoding = doc->encoding != NULL ? (const char *)doc->encoding : "UTF-8";
    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, encoding, 0);
    if (mem == NULL || size <= 0) {
        xmlFree(mem);
        return -1;
    }
    *out = malloc((size_t)size);
    if (*out != NULL) {
        memcpy(*out, mem, (size_t)size);
        *out_len = (size_t)size;
    }
    xmlFree(mem);
    return *out != NULL ? 0 : -1;
}

static int voc_rewrite_doc(xmlDocPtr doc, const labelfmt_image_t *img,
                           unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root == NULL || !xmlStrEqual(root->name, BAD_CAST "annotation"))
        return 0;
    if (!is_xml_text(img->file_name) || !is_xml_text(img->path))
        return fail(err, errlen, "the output's name cannot be XML text "
                    "(not UTF-8, or a control character)");
    if (voc_edit(root, img) != 0 || voc_dump(doc, out, out_len) != 0)
        return fail(err, errlen, "out of memory writing XML");
    return 1;
}

static int voc_rewrite(const unsigned char *in, size_t len, const labelfmt_image_t *img,
                       unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    if (len > INT_MAX)  /* libxml2 takes the size as an int */
        return fail(err, errlen, "XML label too large (%zu bytes)", len);
    xml_first_error_t first = { 0 };
    xml_handlers_t saved;
    xml_handlers_quiet(&saved, &first);
    int rc;
    xmlDocPtr doc = NULL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        rc = fail(err, errlen, "out of memory reading XML");
    } else {
        doc = xmlCtxtReadMemory(ctxt, (const char *)in, (int)len, NULL, NULL, XML_OPTIONS);
        rc = doc == NULL ? xml_parse_failed(&first, err, errlen)
                         : voc_rewrite_doc(doc, img, out, out_len, err, errlen);
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    xml_handlers_restore(&saved);
    return rc;
}

/* ---- LabelMe (jansson) ------------------------------------------------ */

/* Standard base64 with padding and no line breaks, as labelme writes
 * imageData. jansson has none, and thirty lines do not justify another
 * library. Returns a malloc'd string, or NULL when memory is short. */
static char *base64_encode(const unsigned char *p, size_t n, size_t *out_len)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
        return NULL;
    size_t len = (n + 2) / 3 * 4;
    char *s = malloc(len + 1), *q = s;
    if (s == NULL)
        return NULL;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 | p[i + 2];
        *q++ = digits[v >> 18];
        *q++ = digits[v >> 12 & 63];
        *q++ = digits[v >> 6 & 63];
        *q++ = digits[v & 63];
    }
    if (i < n) {
        unsigned long v = (unsigned long)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned long)p[i + 1] << 8;
        *q++ = digits[v >> 18];
        *q++ = digits[v >> 12 & 63];
        *q++ = i + 1 < n ? digits[v >> 6 & 63] : '=';
        *q++ = '=';
    }
    *q = '\0';
    *out_len = len;
    return s;
}

static int is_labelme(const json_t *root)
{
    return json_is_object(root) && json_object_get(root, "imagePath") != NULL
           && json_object_get(root, "shapes") != NULL;
}

/* imageData is replaced only when the label embeds the image: labelme
 * loads an embedded image in preference to the file, and writes null
 * when it does not embed one. */
static int labelme_set_data(json_t *root, const labelfmt_image_t *img)
{
    const json_t *data = json_object_get(root, "imageData");
    if (data == NULL || json_is_null(data))
        return 0;
    size_t n;
    char *b64 = base64_encode(img->bytes, img->len, &n);
    if (b64 == NULL)
        return -1;
    /* Base64 is ASCII: jansson's UTF-8 check would only cost a pass. */
    json_t *s = json_stringn_nocheck(b64, n);
    free(b64);
    return json_object_set_new(root, "imageData", s);
}

/* Sets the four image fields; existing keys keep their place. */
static int labelme_edit(json_t *root, const labelfmt_image_t *img, char *err, size_t errlen)
{
    json_t *path = json_string(img->image_rel);
    if (path == NULL)
        return fail(err, errlen, "cannot set imagePath: not UTF-8, or out of memory");
    if (json_object_set_new(root, "imagePath", path) != 0
        || labelme_set_data(root, img) != 0
        || json_object_set_new(root, "imageHeight", json_integer(img->height)) != 0
        || json_object_set_new(root, "imageWidth", json_integer(img->width)) != 0)
        return fail(err, errlen, "out of memory writing JSON");
    return 0;
}

static int append_cb(const char *buffer, size_t size, void *data)
{
    return bytebuf_append(data, buffer, size);
}

/* Writes root as labelme does (Python's json.dump with indent=2 and
 * ensure_ascii=False, then a newline): non-ASCII stays UTF-8, and 17
 * significant digits give back every double exactly. The callback appends
 * to one growing buffer, so a large imageData is written once. */
static int labelme_dump(const json_t *root, unsigned char **out, size_t *out_len)
{
    bytebuf_t b = { 0 };
    if (json_dump_callback(root, append_cb, &b, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0
        || bytebuf_append(&b, "\n", 1) != 0) {
        bytebuf_free(&b);
        return -1;
    }
    *out = b.data;
    *out_len = b.len;
    return 0;
}

static int labelme_rewrite(const unsigned char *in, size_t len, const labelfmt_image_t *img,
                           unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    /* Any JSON value may be the root (a bare string is well formed, just
     * not LabelMe), and "\u0000" in a string is valid JSON. */
    json_error_t e;
    json_t *root = json_loadb((const char *)in, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (root == NULL) {
        if (json_error_code(&e) == json_error_out_of_memory)
            return fail(err, errlen, "out of memory reading JSON");
        return fail(err, errlen, "not valid JSON: line %d column %d: %s", e.line, e.column,
                    e.text);
    }
    int rc;
    if (!is_labelme(root))
        rc = 0;
    else if (labelme_edit(root, img, err, errlen) != 0)
        rc = -1;
    else if (labelme_dump(root, out, out_len) != 0)
        rc = fail(err, errlen, "out of memory writing JSON");
    else
        rc = 1;
    json_decref(root);
    return rc;
}

int labelfmt_rewrite(labelfmt_kind_t kind, const unsigned char *in, size_t len,
                     const labelfmt_image_t *img, unsigned char **out, size_t *out_len,
                     char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    switch (kind) {
    case LABELFMT_VOC:
        return voc_rewrite(in, len, img, out, out_len, err, errlen);
    case LABELFMT_LABELME:
        return labelme_rewrite(in, len, img, out, out_len, err, errlen);
    case LABELFMT_COPY:
        break;
    }
    return 0;
}

/* ---- relpath ---------------------------------------------------------- */

typedef struct {
    const char *s;
    size_t n;
} component_t;

/* Appends path's components to c[0..k) as os.path.normpath reads them:
 * "" and "." are nothing, ".." takes the one before away (and at the root
 * stays there). Symbolic links are not looked at, as Python does not.
 * Returns the new count. */
static size_t push_components(component_t *c, size_t k, const char *path)
{
    for (const char *p = path; *p != '\0';) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (k > 0)
                k--;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            c[k].s = p;
            c[k].n = n;
            k++;
        }
        p += n;
        if (*p == '/')
            p++;
    }
    return k;
}

/* The current directory, malloc'd; NULL with errno set on failure. */
static char *current_dir(void)
{
    for (size_t cap = 256;; cap *= 2) {
        char *buf = malloc(cap);
        if (buf == NULL)
            return NULL;
        if (getcwd(buf, cap) != NULL)
            return buf;
        free(buf);
        if (errno != ERANGE || cap > SIZE_MAX / 4)
            return NULL;
    }
}

/* path's components made absolute against cwd, into c. */
static size_t absolute_components(component_t *c, const char *cwd, const char *path)
{
    size_t k = path[0] == '/' ? 0 : push_components(c, 0, cwd);
    return push_components(c, k, path);
}

/* "../" for each of from's components past the common ones, then to's. */
static char *join_relative(const component_t *to, size_t nt, size_t nf, size_t common)
{
    size_t len = 3 * (nf - common) + 2;
    for (size_t i = common; i < nt; i++)
        len += to[i].n + 1;
    char *s = malloc(len), *q = s;
    if (s == NULL)
        return NULL;
    for (size_t i = common; i < nf; i++) {
        memcpy(q, "../", 3);
        q += 3;
    }
    for (size_t i = common; i < nt; i++) {
        memcpy(q, to[i].s, to[i].n);
        q += to[i].n;
        *q++ = '/';
    }
    if (q == s)
        *q++ = '.';
    else
        q--;  /* the last slash */
    *q = '\0';
    return s;
}

char *labelfmt_relpath(const char *to, const char *from_dir)
{
    char *cwd = NULL;
    if (to[0] != '/' || from_dir[0] != '/') {
        cwd = current_dir();
        if (cwd == NULL)
            return NULL;
    }
    /* A component takes at least one byte and one separator. */
    size_t cwd_len = cwd != NULL ? strlen(cwd) : 0;
    size_t cap_to = (cwd_len + strlen(to)) / 2 + 2;
    size_t cap_from = (cwd_len + strlen(from_dir)) / 2 + 2;
    component_t *c = malloc((cap_to + cap_from) * sizeof *c);
    char *rel = NULL;
    if (c != NULL) {
        component_t *ct = c, *cf = c + cap_to;
        size_t nt = absolute_components(ct, cwd, to);
        size_t nf = absolute_components(cf, cwd, from_dir);
        size_t common = 0;
        while (common < nt && common < nf && ct[common].n == cf[common].n
               && memcmp(ct[common].s, cf[common].s, ct[common].n) == 0)
            common++;
        rel = join_relative(ct, nt, nf, common);
    }
    free(c);
    free(cwd);
    return rel;
}
