/* manifest: JSON Lines records with careful string escaping. */
#include "manifest.h"

#include <inttypes.h>

#include "imgmeta.h"

/* Length of the valid UTF-8 sequence at s, or 0 when it is not valid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static int utf8_length(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; cp = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; cp = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; cp = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)  /* also stops at the terminating NUL */
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void manifest_write_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            p++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            default: fprintf(f, "\\u%04x", c); break;
            }
            p++;
        } else {
            int n = utf8_length(p);
            if (n == 0) {
                fprintf(f, "\\udc%02x", c);
                p++;
            } else {
                fwrite(p, 1, (size_t)n, f);
                p += n;
            }
        }
    }
    fputc('"', f);
}

static void field_string(FILE *f, const char *key, const char *value)
{
    fprintf(f, ",\"%s\":", key);
    if (value != NULL)
        manifest_write_string(f, value);
    else
        fputs("null", f);
}

static void field_int(FILE *f, const char *key, int value)
{
    if (value > 0)
        fprintf(f, ",\"%s\":%d", key, value);
    else
        fprintf(f, ",\"%s\":null", key);
}

int manifest_write(FILE *f, const manifest_record_t *r)
{
    fputs("{\"input\":", f);
    manifest_write_string(f, r->input);
    field_string(f, "output", r->output);
    field_string(f, "mode", r->mode);
    if (r->has_strength)
        fprintf(f, ",\"strength\":%.17g", r->strength);
    else
        fputs(",\"strength\":null", f);
    field_string(f, "partner", r->partner);
    if (r->partners_failed_count > 0) {
        fputs(",\"partners_failed\":[", f);
        for (unsigned i = 0; i < r->partners_failed_count; i++) {
            if (i > 0)
                fputc(',', f);
            manifest_write_string(f, r->partners_failed[i]);
        }
        fputc(']', f);
    }
    if (r->fallback_from != NULL)
        field_string(f, "fallback_from", r->fallback_from);
    /* The seed is written as a string too: JSON numbers above 2^53 lose
     * digits in many parsers, and a seed must round-trip exactly. */
    fprintf(f, ",\"seed\":\"%" PRIu64 "\",\"copy\":%u", r->seed, r->copy);
    field_int(f, "width", r->width);
    field_int(f, "height", r->height);
    field_int(f, "channels", r->channels);
    field_int(f, "bits", r->bits);
    field_string(f, "status", r->status);
    field_string(f, "error", r->error);
    field_string(f, "encoder", r->encoder);
    /* What of the input's metadata the output carries: a list of names
     * (image_meta_kind_name), empty under --strip or when there was none;
     * null when nothing was encoded (failure, dry run, kept or copied). */
    if (r->metadata_known) {
        fputs(",\"metadata\":[", f);
        for (int k = 0, n = 0; k < META_KIND_COUNT; k++)
            if (r->metadata & (1u << k))
                fprintf(f, "%s\"%s\"", n++ > 0 ? "," : "", image_meta_kind_name(1u << k));
        fputc(']', f);
    } else {
        fputs(",\"metadata\":null", f);
    }
    fputs("}\n", f);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
