/* Unit tests for labelfmt: kinds, the VOC and LabelMe rewrites (hostile
 * documents among them), and relpath. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "labelfmt.h"

static const labelfmt_image_t cat = {
    .file_name = "cat_noisy.png",
    .path = "/out/images/cat_noisy.png",
    .image_rel = "../images/cat_noisy.png",
    .width = 320, .height = 200, .depth = 1,
    .bytes = (const unsigned char *)"foobar", .len = 6,
};

/* ---- helpers ---------------------------------------------------------- */

/* The label's rewrite, with file descriptor 2 pointed at a file that must
 * stay empty: the module never writes to stderr, whatever libxml2 finds. */
static int rewrite(labelfmt_kind_t kind, const char *doc, size_t len,
                   const labelfmt_image_t *img, char **out, size_t *out_len, char *err,
                   size_t errlen)
{
    fflush(stderr);
    FILE *sink = tmpfile();
    assert_non_null(sink);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(sink), 2) >= 0);
    unsigned char *bytes = NULL;
    int rc = labelfmt_rewrite(kind, (const unsigned char *)doc, len, img, &bytes, out_len,
                              err, errlen);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st;
    assert_int_equal(fstat(fileno(sink), &st), 0);
    fclose(sink);
    assert_int_equal(st.st_size, 0);
    if (rc == 1) {
        /* A NUL on the end, so that the tests can use string functions. */
        char *s = malloc(*out_len + 1);
        assert_non_null(s);
        memcpy(s, bytes, *out_len);
        s[*out_len] = '\0';
        free(bytes);
        *out = s;
    } else {
        assert_null(bytes);
        *out = NULL;
    }
    return rc;
}

/* The rewrite of doc, which must succeed; malloc'd. */
static char *rewritten(labelfmt_kind_t kind, const char *doc, const labelfmt_image_t *img)
{
    char *out, err[256];
    size_t len;
    int rc = rewrite(kind, doc, strlen(doc), img, &out, &len, err, sizeof err);
    if (rc != 1)
        fail_msg("rewrite gave %d: %s", rc, err);
    assert_int_equal(strlen(out), len);
    return out;
}

static void expect_rewrite(labelfmt_kind_t kind, const char *doc, const char *want)
{
    char *got = rewritten(kind, doc, &cat);
    assert_string_equal(got, want);
    free(got);
}

/* The result of a rewrite that must not give a document; err in err. */
static int refused(labelfmt_kind_t kind, const char *doc, char *err, size_t errlen)
{
    char *out;
    size_t len = 1;
    int rc = rewrite(kind, doc, strlen(doc), &cat, &out, &len, err, errlen);
    assert_int_not_equal(rc, 1);
    assert_int_equal(len, 0);
    return rc;
}

/* err is one non-empty line starting with prefix. */
static void expect_reason(const char *err, const char *prefix)
{
    assert_true(strlen(err) > strlen(prefix));
    assert_memory_equal(err, prefix, strlen(prefix));
    assert_null(strchr(err, '\n'));
    assert_null(strchr(err, '\r'));
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- kinds ------------------------------------------------------------ */

static void kinds_follow_the_extension(void **state)
{
    (void)state;
    assert_int_equal(labelfmt_kind_of_ext(".xml"), LABELFMT_VOC);
    assert_int_equal(labelfmt_kind_of_ext(".XmL"), LABELFMT_VOC);
    assert_int_equal(labelfmt_kind_of_ext("xml"), LABELFMT_VOC);  /* as path_ext gives it */
    assert_int_equal(labelfmt_kind_of_ext(".json"), LABELFMT_LABELME);
    assert_int_equal(labelfmt_kind_of_ext(".JSON"), LABELFMT_LABELME);
    assert_int_equal(labelfmt_kind_of_ext(".txt"), LABELFMT_COPY);
    assert_int_equal(labelfmt_kind_of_ext(".png"), LABELFMT_COPY);
    assert_int_equal(labelfmt_kind_of_ext(".xmlx"), LABELFMT_COPY);
    assert_int_equal(labelfmt_kind_of_ext(".jsonl"), LABELFMT_COPY);
    assert_int_equal(labelfmt_kind_of_ext(""), LABELFMT_COPY);
    assert_int_equal(labelfmt_kind_of_ext("."), LABELFMT_COPY);
}

static void copy_kind_is_never_rewritten(void **state)
{
    (void)state;
    char err[64];
    assert_int_equal(refused(LABELFMT_COPY, "0 0.5 0.5 0.1 0.1\n", err, sizeof err), 0);
}

/* ---- Pascal VOC ------------------------------------------------------- */

/* As labelImg writes it, with a comment, an attribute and tabs. */
static const char voc_in[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<!-- made by hand -->\n"
    "<annotation verified=\"yes\">\n"
    "\t<folder>images</folder>\n"
    "\t<filename>cat.jpg</filename>\n"
    "\t<path>/data/images/cat.jpg</path>\n"
    "\t<source>\n"
    "\t\t<database>Unknown</database>\n"
    "\t</source>\n"
    "\t<size>\n"
    "\t\t<width>640</width>\n"
    "\t\t<height>480</height>\n"
    "\t\t<depth>3</depth>\n"
    "\t</size>\n"
    "\t<segmented>0</segmented>\n"
    "\t<object>\n"
    "\t\t<name>cat &amp; dog</name>\n"
    "\t\t<!-- a comment inside -->\n"
    "\t\t<bndbox><xmin>10</xmin><ymin>20</ymin><xmax>30</xmax><ymax>40</ymax></bndbox>\n"
    "\t</object>\n"
    "</annotation>\n";

static void voc_describes_the_output_and_keeps_the_rest(void **state)
{
    (void)state;
    expect_rewrite(LABELFMT_VOC, voc_in,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<!-- made by hand -->\n"
        "<annotation verified=\"yes\">\n"
        "\t<folder>images</folder>\n"
        "\t<filename>cat_noisy.png</filename>\n"
        "\t<path>/out/images/cat_noisy.png</path>\n"
        "\t<source>\n"
        "\t\t<database>Unknown</database>\n"
        "\t</source>\n"
        "\t<size>\n"
        "\t\t<width>320</width>\n"
        "\t\t<height>200</height>\n"
        "\t\t<depth>1</depth>\n"
        "\t</size>\n"
        "\t<segmented>0</segmented>\n"
        "\t<object>\n"
        "\t\t<name>cat &amp; dog</name>\n"
        "\t\t<!-- a comment inside -->\n"
        "\t\t<bndbox><xmin>10</xmin><ymin>20</ymin><xmax>30</xmax><ymax>40</ymax></bndbox>\n"
        "\t</object>\n"
        "</annotation>\n");
}

static void voc_replaces_the_whole_text(void **state)
{
    (void)state;
    expect_rewrite(LABELFMT_VOC,
        "<annotation><filename>a<b>x</b>c<!--c-->d</filename><path/>"
        "<size><width>1<!--w--></width><height></height><depth>3</depth></size></annotation>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<annotation><filename>cat_noisy.png</filename><path>/out/images/cat_noisy.png</path>"
        "<size><width>320</width><height>200</height><depth>1</depth></size></annotation>\n");
}

static void voc_adds_missing_elements_in_their_places(void **state)
{
    (void)state;
    /* After <folder>, indented like it. */
    expect_rewrite(LABELFMT_VOC,
        "<annotation>\n  <folder>f</folder>\n  <object><name>x</name></object>\n</annotation>\n",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<annotation>\n  <folder>f</folder>\n"
        "  <filename>cat_noisy.png</filename>\n"
        "  <path>/out/images/cat_noisy.png</path>\n"
        "  <size><width>320</width><height>200</height><depth>1</depth></size>\n"
        "  <object><name>x</name></object>\n</annotation>\n");
    /* First without a <folder>; <size> after <source>; a partial <size>
     * completed in order. */
    expect_rewrite(LABELFMT_VOC,
        "<annotation>\n  <source>s</source>\n  <object/>\n</annotation>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<annotation>\n  <filename>cat_noisy.png</filename>\n"
        "  <path>/out/images/cat_noisy.png</path>\n"
        "  <source>s</source>\n"
        "  <size><width>320</width><height>200</height><depth>1</depth></size>\n"
        "  <object/>\n</annotation>\n");
    expect_rewrite(LABELFMT_VOC,
        "<annotation><path>p</path><size>\n    <depth>3</depth>\n  </size></annotation>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<annotation><filename>cat_noisy.png</filename>"
        "<path>/out/images/cat_noisy.png</path><size>\n"
        "    <width>320</width>\n    <height>200</height>\n    <depth>1</depth>\n"
        "  </size></annotation>\n");
    expect_rewrite(LABELFMT_VOC, "<annotation/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<annotation><filename>cat_noisy.png</filename><path>/out/images/cat_noisy.png</path>"
        "<size><width>320</width><height>200</height><depth>1</depth></size></annotation>\n");
}

static void voc_only_direct_children_count(void **state)
{
    (void)state;
    expect_rewrite(LABELFMT_VOC,
        "<annotation><object><filename>keep</filename></object></annotation>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<annotation><filename>cat_noisy.png</filename><path>/out/images/cat_noisy.png</path>"
        "<size><width>320</width><height>200</height><depth>1</depth></size>"
        "<object><filename>keep</filename></object></annotation>\n");
}

static void voc_escapes_names(void **state)
{
    (void)state;
    labelfmt_image_t img = cat;
    img.file_name = "a&b<c>]]>\"'.png";
    img.path = "/o/\xe8\x88\xb9 &amp;.png";  /* 船, and text that looks escaped */
    char *got = rewritten(LABELFMT_VOC, "<annotation/>", &img);
    assert_non_null(strstr(got, "<filename>a&amp;b&lt;c&gt;]]&gt;\"'.png</filename>"));
    assert_non_null(strstr(got, "<path>/o/\xe8\x88\xb9 &amp;amp;.png</path>"));
    free(got);
}

static void voc_keeps_the_declared_encoding(void **state)
{
    (void)state;
    labelfmt_image_t img = cat;
    img.file_name = "\xc3\xa9t\xc3\xa9.png";  /* été */
    char *got = rewritten(LABELFMT_VOC,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<annotation><folder>\xe9</folder>"
        "<filename>x</filename></annotation>", &img);
    assert_non_null(strstr(got, "encoding=\"ISO-8859-1\""));
    assert_non_null(strstr(got, "<folder>\xe9</folder><filename>\xe9t\xe9.png</filename>"));
    free(got);
}

static void voc_refuses_names_xml_cannot_hold(void **state)
{
    (void)state;
    labelfmt_image_t img = cat;
    char *out, err[256];
    size_t len;
    img.file_name = "bad\x01.png";
    assert_int_equal(rewrite(LABELFMT_VOC, "<annotation/>", 13, &img, &out, &len, err,
                             sizeof err), -1);
    expect_reason(err, "the output's name cannot be XML text");
    img.file_name = "bad\xff.png";
    assert_int_equal(rewrite(LABELFMT_VOC, "<annotation/>", 13, &img, &out, &len, err,
                             sizeof err), -1);
    expect_reason(err, "the output's name cannot be XML text");
}

static void voc_other_roots_are_copied(void **state)
{
    (void)state;
    char err[64];
    assert_int_equal(refused(LABELFMT_VOC, "<?xml version=\"1.0\"?>\n<svg><path/></svg>\n",
                             err, sizeof err), 0);
    assert_int_equal(refused(LABELFMT_VOC, "<Annotation/>", err, sizeof err), 0);
}

static void voc_malformed_gives_one_line(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(refused(LABELFMT_VOC,
        "<annotation>\n  <folder>x</folder>\n  <filename>y</path>\n</annotation>\n",
        err, sizeof err), -1);
    expect_reason(err, "not well-formed XML: line 3: Opening and ending tag mismatch");
    const char *bad[] = {
        "", "   ", "not xml", "<annotation>", "<annotation></annotation><x/>",
        "<annotation a=1/>", "<annotation>&undefined;</annotation>",
        "<?xml version=\"1.0\" encoding=\"no-such-encoding\"?><annotation/>",
        "<annotation>\x01</annotation>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(refused(LABELFMT_VOC, bad[i], err, sizeof err), -1);
        expect_reason(err, "not well-formed XML");
    }
    /* A short buffer still gets a line. */
    char tiny[8];
    assert_int_equal(refused(LABELFMT_VOC, "<a>", tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "not wel");
}

static void voc_does_not_expand_billion_laughs(void **state)
{
    (void)state;
    const char doc[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n<annotation><folder>&lol9;&lol9;</folder></annotation>\n";
    char *out, err[256];
    size_t len;
    double t0 = seconds_now();
    int rc = rewrite(LABELFMT_VOC, doc, strlen(doc), &cat, &out, &len, err, sizeof err);
    assert_true(seconds_now() - t0 < 5.0);
    if (rc == 1) {
        assert_true(len < 4 * sizeof doc);
        assert_null(strstr(out, "lollol"));
        free(out);
    } else {
        assert_int_equal(rc, -1);
        expect_reason(err, "not well-formed XML");
    }
}

static void voc_does_not_fetch_external_entities(void **state)
{
    (void)state;
    const char *docs[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [\n"
        " <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
        "]>\n<annotation><folder>&xxe;</folder></annotation>\n",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [\n"
        " <!ENTITY % ext SYSTEM \"file:///etc/passwd\">\n %ext;\n"
        "]>\n<annotation><folder>x</folder></annotation>\n",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE annotation SYSTEM \"file:///etc/passwd\">\n"
        "<annotation><folder>x</folder></annotation>\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char *out, err[256];
        size_t len;
        int rc = rewrite(LABELFMT_VOC, docs[i], strlen(docs[i]), &cat, &out, &len, err,
                         sizeof err);
        if (rc == 1) {
            assert_null(strstr(out, "root:"));
            assert_true(len < 2 * strlen(docs[i]) + 200);
            free(out);
        } else {
            assert_int_equal(rc, -1);
            expect_reason(err, "not well-formed XML");
            assert_null(strstr(err, "root:"));
        }
    }
}

/* Each thread's errors are its own: libxml2's handlers are per thread. */
typedef struct {
    int lines;  /* the mismatch is on this line */
    int ok;
} voc_worker_t;

static void *voc_worker(void *arg)
{
    voc_worker_t *w = arg;
    char doc[256], want[64];
    int n = snprintf(doc, sizeof doc, "<annotation>");
    for (int i = 1; i < w->lines; i++)
        n += snprintf(doc + n, sizeof doc - (size_t)n, "\n");
    snprintf(doc + n, sizeof doc - (size_t)n, "<a></b></annotation>");
    snprintf(want, sizeof want, "not well-formed XML: line %d: ", w->lines);
    w->ok = 1;
    for (int i = 0; i < 200 && w->ok; i++) {
        unsigned char *out;
        size_t len;
        char err[256];
        const char *good = "<annotation/>";
        if (labelfmt_rewrite(LABELFMT_VOC, (const unsigned char *)doc, strlen(doc), &cat,
                             &out, &len, err, sizeof err) != -1
            || strncmp(err, want, strlen(want)) != 0)
            w->ok = 0;
        if (labelfmt_rewrite(LABELFMT_VOC, (const unsigned char *)good, strlen(good), &cat,
                             &out, &len, err, sizeof err) != 1)
            w->ok = 0;
        else
            free(out);
    }
    return NULL;
}

static void voc_errors_stay_in_their_thread(void **state)
{
    (void)state;
    enum { N = 4 };
    pthread_t t[N];
    voc_worker_t w[N];
    fflush(stderr);
    FILE *sink = tmpfile();
    int saved = dup(2);
    dup2(fileno(sink), 2);
    for (int i = 0; i < N; i++) {
        w[i].lines = i + 1;
        assert_int_equal(pthread_create(&t[i], NULL, voc_worker, &w[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st;
    fstat(fileno(sink), &st);
    fclose(sink);
    assert_int_equal(st.st_size, 0);
    for (int i = 0; i < N; i++)
        assert_true(w[i].ok);
}

/* ---- LabelMe ---------------------------------------------------------- */

/* As labelme writes it: indent 2, UTF-8 kept, floats in Python's repr. */
static const char labelme_in[] =
    "{\n"
    "  \"version\": \"5.2.1\",\n"
    "  \"flags\": {},\n"
    "  \"shapes\": [\n"
    "    {\n"
    "      \"label\": \"\xe8\x88\xb9\",\n"
    "      \"points\": [\n"
    "        [\n"
    "          12.5,\n"
    "          101.33333333333333\n"
    "        ],\n"
    "        [\n"
    "          3,\n"
    "          4.0\n"
    "        ]\n"
    "      ],\n"
    "      \"group_id\": null,\n"
    "      \"description\": \"a/b \\\"q\\\" \\n\",\n"
    "      \"shape_type\": \"polygon\",\n"
    "      \"flags\": {}\n"
    "    }\n"
    "  ],\n"
    "  \"imagePath\": \"..\\\\old\\\\cat.jpg\",\n"
    "  \"imageData\": \"/9j/4AAQ\",\n"
    "  \"imageHeight\": 480,\n"
    "  \"imageWidth\": 640,\n"
    "  \"zlast\": []\n"
    "}\n";

static void labelme_describes_the_output_and_keeps_the_rest(void **state)
{
    (void)state;
    expect_rewrite(LABELFMT_LABELME, labelme_in,
        "{\n"
        "  \"version\": \"5.2.1\",\n"
        "  \"flags\": {},\n"
        "  \"shapes\": [\n"
        "    {\n"
        "      \"label\": \"\xe8\x88\xb9\",\n"
        "      \"points\": [\n"
        "        [\n"
        "          12.5,\n"
        "          101.33333333333333\n"
        "        ],\n"
        "        [\n"
        "          3,\n"
        "          4.0\n"
        "        ]\n"
        "      ],\n"
        "      \"group_id\": null,\n"
        "      \"description\": \"a/b \\\"q\\\" \\n\",\n"
        "      \"shape_type\": \"polygon\",\n"
        "      \"flags\": {}\n"
        "    }\n"
        "  ],\n"
        "  \"imagePath\": \"../images/cat_noisy.png\",\n"
        "  \"imageData\": \"Zm9vYmFy\",\n"
        "  \"imageHeight\": 200,\n"
        "  \"imageWidth\": 320,\n"
        "  \"zlast\": []\n"
        "}\n");
}

static void labelme_adds_missing_sizes_and_leaves_null_data(void **state)
{
    (void)state;
    expect_rewrite(LABELFMT_LABELME,
        "{\"shapes\": [], \"imageData\": null, \"imagePath\": \"x.jpg\"}",
        "{\n  \"shapes\": [],\n  \"imageData\": null,\n"
        "  \"imagePath\": \"../images/cat_noisy.png\",\n"
        "  \"imageHeight\": 200,\n  \"imageWidth\": 320\n}\n");
    /* No imageData: none is added. */
    expect_rewrite(LABELFMT_LABELME,
        "{\"imagePath\": null, \"shapes\": null}",
        "{\n  \"imagePath\": \"../images/cat_noisy.png\",\n  \"shapes\": null,\n"
        "  \"imageHeight\": 200,\n  \"imageWidth\": 320\n}\n");
}

/* imageData for bytes[0..n). */
static char *image_data_of(const char *bytes, size_t n)
{
    labelfmt_image_t img = cat;
    img.bytes = (const unsigned char *)bytes;
    img.len = n;
    char *out = rewritten(LABELFMT_LABELME, "{\"imagePath\":\"\",\"imageData\":\"\",\"shapes\":[]}",
                          &img);
    json_t *root = json_loads(out, 0, NULL);
    assert_non_null(root);
    char *data = strdup(json_string_value(json_object_get(root, "imageData")));
    json_decref(root);
    free(out);
    return data;
}

static void labelme_image_data_is_base64(void **state)
{
    (void)state;
    /* RFC 4648's test vectors, and the two last digits. */
    const struct { const char *in; size_t n; const char *out; } v[] = {
        { "", 0, "" }, { "f", 1, "Zg==" }, { "fo", 2, "Zm8=" }, { "foo", 3, "Zm9v" },
        { "foob", 4, "Zm9vYg==" }, { "fooba", 5, "Zm9vYmE=" }, { "foobar", 6, "Zm9vYmFy" },
        { "\xfb\xff", 2, "+/8=" }, { "\0\0\0", 3, "AAAA" }, { "\xff\xff\xff", 3, "////" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *got = image_data_of(v[i].in, v[i].n);
        assert_string_equal(got, v[i].out);
        free(got);
    }
}

static void labelme_numbers_read_back_the_same(void **state)
{
    (void)state;
    const char doc[] =
        "{\"imagePath\":\"a\",\"shapes\":[0.1,-0.0,1e-7,123456.789,2.5e+300,"
        "5e-324,1.7976931348623157e308,0.30000000000000004,9007199254740993,"
        "-9223372036854775808]}";
    char *out = rewritten(LABELFMT_LABELME, doc, &cat);
    json_t *a = json_loads(doc, 0, NULL), *b = json_loads(out, 0, NULL);
    assert_non_null(a);
    assert_non_null(b);
    const json_t *sa = json_object_get(a, "shapes"), *sb = json_object_get(b, "shapes");
    assert_int_equal(json_array_size(sa), json_array_size(sb));
    for (size_t i = 0; i < json_array_size(sa); i++) {
        const json_t *x = json_array_get(sa, i), *y = json_array_get(sb, i);
        assert_int_equal(json_typeof(x), json_typeof(y));
        if (json_is_real(x))
            assert_memory_equal(&(double){ json_real_value(x) },
                                &(double){ json_real_value(y) }, sizeof(double));
        else
            assert_true(json_integer_value(x) == json_integer_value(y));
    }
    json_decref(a);
    json_decref(b);
    free(out);
}

static void labelme_large_image_data(void **state)
{
    (void)state;
    size_t n = (size_t)24 << 20;
    unsigned char *bytes = malloc(n);
    assert_non_null(bytes);
    for (size_t i = 0; i < n; i++)
        bytes[i] = (unsigned char)(i * 2654435761u >> 13);
    labelfmt_image_t img = cat;
    img.bytes = bytes;
    img.len = n;
    char *out = rewritten(LABELFMT_LABELME,
                          "{\"imagePath\":\"a\",\"imageData\":\"x\",\"shapes\":[]}", &img);
    const char *data = strstr(out, "\"imageData\": \"");
    assert_non_null(data);
    data += strlen("\"imageData\": \"");
    assert_int_equal(strcspn(data, "\""), n / 3 * 4);
    free(out);
    free(bytes);
}

static void labelme_others_are_copied(void **state)
{
    (void)state;
    char err[64];
    const char *docs[] = {
        "[{\"imagePath\":\"a\",\"shapes\":[]}]", "{\"imagePath\":\"a\"}",
        "{\"shapes\":[]}", "{}", "\"just a string\"", "42", "null",
        "{\"images\":[],\"annotations\":[]}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        assert_int_equal(refused(LABELFMT_LABELME, docs[i], err, sizeof err), 0);
}

static void labelme_malformed_gives_the_line(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(refused(LABELFMT_LABELME,
        "{\n  \"imagePath\": \"a\",\n  \"shapes\": [1, 2,]\n}\n", err, sizeof err), -1);
    expect_reason(err, "not valid JSON: line 3 column ");
    const char *bad[] = {
        "", "{", "{\"a\":1} x", "{'a':1}", "{\"a\":\"\xff\"}", "[1e999]", "[NaN]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(refused(LABELFMT_LABELME, bad[i], err, sizeof err), -1);
        expect_reason(err, "not valid JSON: line ");
    }
}

static void labelme_refuses_a_path_json_cannot_hold(void **state)
{
    (void)state;
    labelfmt_image_t img = cat;
    img.image_rel = "bad\xff.png";
    char *out, err[256];
    size_t len;
    const char doc[] = "{\"imagePath\":\"a\",\"shapes\":[]}";
    assert_int_equal(rewrite(LABELFMT_LABELME, doc, strlen(doc), &img, &out, &len, err,
                             sizeof err), -1);
    expect_reason(err, "cannot set imagePath");
}

static void labelme_keeps_nul_in_strings(void **state)
{
    (void)state;
    expect_rewrite(LABELFMT_LABELME,
        "{\"imagePath\":\"a\",\"shapes\":[\"x\\u0000y\"]}",
        "{\n  \"imagePath\": \"../images/cat_noisy.png\",\n  \"shapes\": [\n"
        "    \"x\\u0000y\"\n  ],\n  \"imageHeight\": 200,\n  \"imageWidth\": 320\n}\n");
}

/* ---- relpath ---------------------------------------------------------- */

static void expect_relpath(const char *to, const char *from, const char *want)
{
    char *got = labelfmt_relpath(to, from);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("relpath(\"%s\", \"%s\") = \"%s\", not \"%s\"", to, from, got, want);
    free(got);
}

static void relpath_is_pythons(void **state)
{
    (void)state;
    expect_relpath("out/a.jpg", "out", "a.jpg");
    expect_relpath("out/img/a.jpg", "out/lab", "../img/a.jpg");
    expect_relpath("/x/y", "/x/y", ".");
    expect_relpath("/x/y", "/x/y/", ".");
    expect_relpath("/x/y", "/", "x/y");
    expect_relpath("/", "/x/y", "../..");
    expect_relpath("/", "/", ".");
    expect_relpath("/abc/d", "/ab", "../abc/d");  /* components, not characters */
    expect_relpath("/a//b/./c/../d", "/a/b", "d");
    expect_relpath("/x/../../y", "//", "y");      /* ".." stops at the root */
    expect_relpath("/p/q/r", "/p/s/t/u", "../../../q/r");
    expect_relpath("out/", "out/./", ".");
    expect_relpath("a/../b", "c/..", "b");
    expect_relpath("", "", ".");
    expect_relpath("x", "", "x");

    /* Relative ones are read against the current directory. */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char abs_to[4200], want[4200];
    snprintf(abs_to, sizeof abs_to, "%s/out/img/a.jpg", cwd);
    expect_relpath(abs_to, "out/lab", "../img/a.jpg");
    snprintf(want, sizeof want, "%s/a.jpg", strcmp(cwd, "/") == 0 ? "" : cwd + 1);
    expect_relpath("a.jpg", "/", want[0] == '/' ? want + 1 : want);
    char *up = labelfmt_relpath("/", ".");
    size_t depth = 0;
    for (const char *p = cwd; *p != '\0'; p++)
        depth += *p == '/' && p[1] != '\0';
    assert_int_equal(strlen(up), depth == 0 ? 1 : 3 * depth - 1);
    free(up);
}

int main(void)
{
    labelfmt_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_follow_the_extension),
        cmocka_unit_test(copy_kind_is_never_rewritten),
        cmocka_unit_test(voc_describes_the_output_and_keeps_the_rest),
        cmocka_unit_test(voc_replaces_the_whole_text),
        cmocka_unit_test(voc_adds_missing_elements_in_their_places),
        cmocka_unit_test(voc_only_direct_children_count),
        cmocka_unit_test(voc_escapes_names),
        cmocka_unit_test(voc_keeps_the_declared_encoding),
        cmocka_unit_test(voc_refuses_names_xml_cannot_hold),
        cmocka_unit_test(voc_other_roots_are_copied),
        cmocka_unit_test(voc_malformed_gives_one_line),
        cmocka_unit_test(voc_does_not_expand_billion_laughs),
        cmocka_unit_test(voc_does_not_fetch_external_entities),
        cmocka_unit_test(voc_errors_stay_in_their_thread),
        cmocka_unit_test(labelme_describes_the_output_and_keeps_the_rest),
        cmocka_unit_test(labelme_adds_missing_sizes_and_leaves_null_data),
        cmocka_unit_test(labelme_image_data_is_base64),
        cmocka_unit_test(labelme_numbers_read_back_the_same),
        cmocka_unit_test(labelme_large_image_data),
        cmocka_unit_test(labelme_others_are_copied),
        cmocka_unit_test(labelme_malformed_gives_the_line),
        cmocka_unit_test(labelme_refuses_a_path_json_cannot_hold),
        cmocka_unit_test(labelme_keeps_nul_in_strings),
        cmocka_unit_test(relpath_is_pythons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
