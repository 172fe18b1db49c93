#!/usr/bin/python3
"""Check noiseaug's outputs for data/mixed against expect.tsv, independently.

usage: check_mixed.py [--strip] [--table] IN_DIR MANIFEST
       check_mixed.py [--strip] [--table] IN_DIR OUT_DIR MODE [MODE...]

The first form takes noiseaug's --manifest JSON Lines file, which pairs each
input with its output and says which metadata it kept.  The second finds,
for each row of IN_DIR/expect.tsv and each MODE, OUT_DIR/<stem>_<MODE>.<ext>
(ext: the input's, .png for .heic/.avif); addPic and mixPic outputs are
named after their partner, so for them <stem>_add_*.<ext> / <stem>_mix_*.<ext>
are taken too.  Each output is read with PIL, a PNG chunk walker, a WebP
RIFF walker and a TIFF IFD reader of this file's own (never noiseaug's
decoders) and compared with the row: format by magic bytes, the input's
size as PIL sees it upright (ImageOps.exif_transpose; the IFD for TIFFs PIL
cannot read; heif-info for HEIF/AVIF), PIL mode, bits, bands, alpha,
compression, and each metadata kind listed equal to the input's, every
other kind absent.  --strip expects no metadata at all.  --table prints a
Markdown table of the formats and what was verified.
Exit 0 when all is as expected, 1 on any difference, 2 on usage errors.
"""
import glob
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

from PIL import Image, ImageOps

KINDS = ("icc", "resolution", "exif", "colour", "text", "geotiff")
GEO_TAGS = (33550, 33922, 34264, 34735, 34736, 34737, 42112, 42113)
TIFF_COMPRESSION = {1: "raw", 2: "tiff_ccitt", 3: "group3", 4: "group4", 5: "tiff_lzw",
                    6: "tiff_jpeg", 7: "jpeg", 8: "tiff_adobe_deflate", 32771: "tiff_raw_16",
                    32773: "packbits", 32946: "tiff_deflate", 34925: "lzma", 50000: "zstd",
                    50001: "webp"}
TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
             16: 8, 17: 8, 18: 8}
TYPE_FMT = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 16: "Q", 17: "q"}


class Bad(Exception):
    pass


# --- Format by magic bytes.

def sniff(data):
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[:4] in (b"II*\0", b"MM\0*"):
        return "TIFF"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return "AVIF" if brand in (b"avif", b"avis") else "HEIF"
    return "unknown"


# --- TIFF: the first IFD, as {tag: (type, count, values or bytes)}.

def tiff_ifd(data, offset=None):
    if len(data) < 8 or data[:4] not in (b"II*\0", b"MM\0*"):
        raise Bad("not a TIFF")
    e = "<" if data[:2] == b"II" else ">"
    if offset is None:
        offset = struct.unpack(e + "I", data[4:8])[0]
    if offset + 2 > len(data):
        raise Bad("TIFF IFD offset %d past the end" % offset)
    n = struct.unpack(e + "H", data[offset:offset + 2])[0]
    tags = {}
    for i in range(n):
        p = offset + 2 + 12 * i
        if p + 12 > len(data):
            raise Bad("TIFF IFD entry %d past the end" % i)
        tag, typ, count = struct.unpack(e + "HHI", data[p:p + 8])
        size = TYPE_SIZE.get(typ, 1) * count
        if size <= 4:
            raw = data[p + 8:p + 8 + size]
        else:
            at = struct.unpack(e + "I", data[p + 8:p + 12])[0]
            raw = data[at:at + size]
            if len(raw) != size:
                raise Bad("TIFF tag %d value past the end" % tag)
        if typ == 2:
            val = raw
        elif typ in (5, 10):
            pairs = struct.unpack(e + "%d%s" % (2 * count, "I" if typ == 5 else "i"), raw)
            val = tuple(pairs[k] / pairs[k + 1] if pairs[k + 1] else 0.0
                        for k in range(0, len(pairs), 2))
        elif typ in TYPE_FMT:
            val = struct.unpack(e + "%d%s" % (count, TYPE_FMT[typ]), raw)
        else:
            val = raw
        tags[tag] = (typ, count, val)
    return tags, e


def tiff_first(tags, tag, default=None):
    v = tags.get(tag)
    return v[2][0] if v is not None and not isinstance(v[2], bytes) else default


# --- PNG chunks and WebP RIFF chunks.

def png_chunks(data):
    out, p = [], 8
    while p + 8 <= len(data):
        n, typ = struct.unpack(">I4s", data[p:p + 8])
        out.append((typ, data[p + 8:p + 8 + n]))
        p += 12 + n
        if typ == b"IEND":
            break
    return out


def webp_chunks(data):
    out, p = [], 12
    while p + 8 <= len(data):
        typ, n = struct.unpack("<4sI", data[p:p + 8])
        out.append((typ, data[p + 8:p + 8 + n]))
        p += 8 + n + (n & 1)
    return out


# --- EXIF (a TIFF structure, maybe behind "Exif\0\0").

def exif_fields(raw):
    if raw.startswith(b"Exif\0\0"):
        raw = raw[6:]
    tags, _ = tiff_ifd(raw)

    def text(t):
        v = tags.get(t)
        return v[2].rstrip(b"\0").decode("latin-1") if v and isinstance(v[2], bytes) else None
    return {"Make": text(0x010F), "DateTime": text(0x0132),
            "Orientation": tiff_first(tags, 0x0112)}


# --- Everything one file says about itself.

def describe(path):
    """A dict: format, width, height, bits, bands, alpha, compression, and
    the metadata: icc (bytes), dpi ((x, y)), exif (dict), gamma, srgb, chrm,
    text (dict), geo ({tag: (type, values)})."""
    with open(path, "rb") as f:
        data = f.read()
    d = {"format": sniff(data), "mode": None, "icc": None, "dpi": None, "exif": None, "gamma": None,
         "srgb": None, "chrm": None, "text": {}, "geo": {}, "compression": "-"}
    fmt = d["format"]
    if fmt == "TIFF":
        tags, _ = tiff_ifd(data)
        d["width"] = tiff_first(tags, 256)
        d["height"] = tiff_first(tags, 257)
        bps = tags.get(258, (3, 1, (1,)))[2]
        d["bits"] = bps[0]
        d["bands"] = tiff_first(tags, 277, 1)
        extra = tags.get(338, (3, 0, ()))[2]
        d["alpha"] = int(any(v in (1, 2) for v in extra))
        d["compression"] = TIFF_COMPRESSION.get(tiff_first(tags, 259, 1), "?")
        if 34675 in tags:
            d["icc"] = bytes(tags[34675][2]) if not isinstance(tags[34675][2], bytes) \
                else tags[34675][2]
        if 282 in tags and 283 in tags:
            unit = tiff_first(tags, 296, 2)
            scale = {2: 1.0, 3: 2.54}.get(unit)
            if scale is not None:
                d["dpi"] = (tiff_first(tags, 282) * scale, tiff_first(tags, 283) * scale)
            else:
                d["dpi"] = ("aspect", tiff_first(tags, 282), tiff_first(tags, 283))
        if 34665 in tags:
            d["exif"] = {"ifd": True}
        d["geo"] = {t: (tags[t][0], tags[t][2]) for t in GEO_TAGS if t in tags}
        # PIL must agree where it can open the file at all.
        try:
            im = Image.open(path)
            d["mode"] = im.mode
        except Exception:  # noqa: BLE001 - PIL refuses some layouts
            d["mode"] = "-"
            return d
        if im.size != (d["width"], d["height"]):
            raise Bad("PIL says %dx%d, the IFD %dx%d" % (im.size + (d["width"], d["height"])))
        return d
    if fmt == "PNG":
        d["mode"] = Image.open(path).mode
        chunks = png_chunks(data)
        w, h, depth, ctype = struct.unpack(">IIBB", chunks[0][1][:10])
        d.update(width=w, height=h, bits=depth)
        d["bands"] = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}[ctype]
        has_trns = any(t == b"tRNS" for t, _ in chunks)
        d["alpha"] = int(ctype in (4, 6) or has_trns)
        if ctype == 3:
            d["bits"] = 8
            d["bands"] = 4 if has_trns else 3
        for typ, body in chunks:
            if typ == b"iCCP":
                name_end = body.index(b"\0")
                d["icc"] = zlib.decompress(body[name_end + 2:])
            elif typ == b"pHYs":
                x, y, unit = struct.unpack(">IIB", body[:9])
                d["dpi"] = (x * 0.0254, y * 0.0254) if unit == 1 else ("aspect", x, y)
            elif typ == b"eXIf":
                d["exif"] = exif_fields(body)
            elif typ == b"gAMA":
                d["gamma"] = struct.unpack(">I", body)[0]
            elif typ == b"sRGB":
                d["srgb"] = body[0]
            elif typ == b"cHRM":
                d["chrm"] = body
            elif typ == b"tEXt":
                k, _, v = body.partition(b"\0")
                d["text"][k.decode("latin-1")] = v.decode("latin-1")
            elif typ == b"zTXt":
                k, _, v = body.partition(b"\0")
                d["text"][k.decode("latin-1")] = zlib.decompress(v[1:]).decode("latin-1")
            elif typ == b"iTXt":
                k, _, rest = body.partition(b"\0")
                comp = rest[0]
                _, _, rest = rest[2:].partition(b"\0")
                _, _, v = rest.partition(b"\0")
                d["text"][k.decode("latin-1")] = (zlib.decompress(v) if comp else v).decode()
            elif typ == b"IDAT":
                break
        return d
    im = Image.open(path)
    d["mode"] = im.mode
    d["width"], d["height"] = im.size
    d["bits"] = 8
    d["bands"] = len(im.getbands())
    d["alpha"] = int("A" in im.getbands())
    if fmt == "WebP":
        chunks = webp_chunks(data)
        names = [t for t, _ in chunks]
        d["compression"] = "lossless" if b"VP8L" in names else "lossy"
        for typ, body in chunks:
            if typ == b"ICCP":
                d["icc"] = body
            elif typ == b"EXIF":
                d["exif"] = exif_fields(body)
        # A lossy WebP with an ALPH chunk has alpha even if PIL's mode hides it.
        if b"ALPH" in names:
            d["alpha"] = 1
    elif fmt == "JPEG":
        d["icc"] = im.info.get("icc_profile")
        dpi = im.info.get("dpi")
        d["dpi"] = tuple(float(v) for v in dpi) if dpi else None
        if im.info.get("exif"):
            d["exif"] = exif_fields(im.info["exif"])
    return d


def kinds_present(d):
    k = set()
    if d["icc"]:
        k.add("icc")
    if d["dpi"] is not None:
        k.add("resolution")
    if d["exif"] is not None:
        k.add("exif")
    if d["gamma"] is not None or d["srgb"] is not None or d["chrm"] is not None:
        k.add("colour")
    if d["text"]:
        k.add("text")
    if d["geo"]:
        k.add("geotiff")
    return k


def compare_kind(kind, src, out):
    """A list of what differs for one kind between input and output."""
    bad = []
    if kind == "icc":
        if out["icc"] != src["icc"]:
            bad.append("ICC profile differs (%s bytes in, %s out)" % (
                len(src["icc"] or b""), len(out["icc"] or b"")))
    elif kind == "resolution":
        a, b = src["dpi"], out["dpi"]
        if b is None or a is None or a[0] == "aspect" or b[0] == "aspect" or \
                abs(a[0] - b[0]) > 0.01 or abs(a[1] - b[1]) > 0.01:
            bad.append("resolution %s in, %s out" % (a, b))
    elif kind == "exif":
        a, b = src["exif"], out["exif"]
        if b is None:
            bad.append("EXIF missing")
        else:
            if b.get("Orientation") not in (None, 1):
                bad.append("EXIF Orientation %s, not 1 or absent" % b.get("Orientation"))
            for f in ("Make", "DateTime"):
                if a.get(f) != b.get(f):
                    bad.append("EXIF %s %r in, %r out" % (f, a.get(f), b.get(f)))
    elif kind == "colour":
        if src["gamma"] is not None and out["gamma"] != src["gamma"]:
            bad.append("gAMA %s in, %s out" % (src["gamma"], out["gamma"]))
        if src["srgb"] is not None and out["srgb"] is None:
            bad.append("sRGB chunk missing")
        if src["chrm"] is not None and out["chrm"] != src["chrm"]:
            bad.append("cHRM differs")
    elif kind == "text":
        if out["text"] != src["text"]:
            bad.append("text %r in, %r out" % (src["text"], out["text"]))
    elif kind == "geotiff":
        for tag, (typ, vals) in sorted(src["geo"].items()):
            got = out["geo"].get(tag)
            if got is None:
                bad.append("GeoTIFF tag %d missing" % tag)
            elif got[0] != typ:
                bad.append("GeoTIFF tag %d has TIFF type %d, not %d" % (tag, got[0], typ))
            elif got[1] != vals:
                bad.append("GeoTIFF tag %d is %r, not %r" % (tag, got[1], vals))
        for tag in sorted(set(out["geo"]) - set(src["geo"])):
            bad.append("GeoTIFF tag %d appeared" % tag)
    return bad


def read_expect(path):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    head = lines[0]
    need = ("file", "read_as", "written_as", "out_ext", "out_mode", "out_bits", "bands",
            "alpha", "width", "height", "metadata", "compression")
    missing = [c for c in need if c not in head]
    if missing:
        raise ValueError("%s: no column %s" % (path, ", ".join(missing)))
    rows = {}
    for n, l in enumerate(lines[1:], 2):
        if len(l) != len(head):
            raise ValueError("%s:%d: %d columns, not %d" % (path, n, len(l), len(head)))
        r = dict(zip(head, l))
        r["kinds"] = [] if r["metadata"] == "-" else r["metadata"].split(",")
        rows[r["file"]] = r
    return rows


def heif_size(path):
    """(width, height) as heif-info prints it, or None without heif-info."""
    if shutil.which("heif-info") is None:
        return None
    r = subprocess.run(["heif-info", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    m = re.search(rb"image: (\d+)x(\d+)", r.stdout)
    if r.returncode != 0 or m is None:
        raise Bad("heif-info cannot read %s" % path)
    return int(m.group(1)), int(m.group(2))


def input_size(path, row, notes):
    """The input's size upright, as PIL sees it (not noiseaug)."""
    if row["read_as"] in ("HEIF", "AVIF"):
        size = heif_size(path)
        if size is None:
            notes.append("size not checked (no heif-info)")
        return size
    if row["read_as"] == "TIFF" and row["out_mode"] == "-":
        # PIL opens 16-bit RGB as 8-bit and five bands as RGBX, or not at
        # all: the IFD says the size.
        with open(path, "rb") as f:
            tags, _ = tiff_ifd(f.read())
        return tiff_first(tags, 256), tiff_first(tags, 257)
    with Image.open(path) as im:
        return ImageOps.exif_transpose(im).size


# PIL spells 16-bit grey by byte order; any order is 16-bit grey.
SAME_MODE = {"I;16": ("I;16", "I;16L", "I;16B", "I;16N")}


def check_output(out_path, row, in_dir, strip, listed=False):
    """A list of what differs between the output and the row, and notes."""
    name = os.path.basename(out_path)
    notes = []
    if not os.path.exists(out_path):
        return ["output %s does not exist" % out_path], notes
    bad = []
    in_path = os.path.join(in_dir, row["file"])
    want = [] if strip else row["kinds"]
    out = describe(out_path)
    if out["format"] != row["written_as"]:
        bad.append("format %s, expected %s" % (out["format"], row["written_as"]))
        return bad, notes
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext != row["out_ext"]:
        bad.append("extension .%s, expected .%s" % (ext, row["out_ext"]))
    size = input_size(in_path, row, notes)
    if size is not None and size != (int(row["width"]), int(row["height"])):
        bad.append("the input is %dx%d upright, expect.tsv says %sx%s (expect.tsv is wrong)" % (
            size + (row["width"], row["height"])))
    if size is not None and (out["width"], out["height"]) != size:
        bad.append("size %dx%d, the input is %dx%d upright" % (
            (out["width"], out["height"]) + size))
    if row["out_mode"] != "-" and out.get("mode") not in SAME_MODE.get(row["out_mode"],
                                                                       (row["out_mode"],)):
        bad.append("PIL mode %s, expected %s" % (out.get("mode"), row["out_mode"]))
    for f, col in (("bits", "out_bits"), ("bands", "bands"), ("alpha", "alpha")):
        if str(out.get(f)) != row[col]:
            bad.append("%s %s, expected %s" % (f, out.get(f), row[col]))
    src = describe(in_path) if want else None
    for kind in want:
        if kind not in kinds_present(src):
            bad.append("the input has no %s to compare (expect.tsv is wrong)" % kind)
        else:
            bad.extend(compare_kind(kind, src, out))
    for kind in sorted(kinds_present(out) - set(want)):
        bad.append("%s present but not expected%s" % (kind, " (--strip)" if strip else ""))
    if listed is not False and (not isinstance(listed, list) or sorted(listed) != sorted(want)):
        bad.append("manifest metadata %r, expected %r" % (listed, sorted(want)))
    if row["compression"] != "-" and out["compression"] != row["compression"]:
        bad.append("compression %s, expected %s" % (out["compression"], row["compression"]))
    return bad, notes


def outputs_from_manifest(manifest, rows):
    """(input name, output path or None, manifest metadata, why not) per record."""
    with open(manifest, encoding="utf-8") as f:
        records = [json.loads(l) for l in f if l.strip()]
    base_dir = os.path.dirname(manifest)
    out = []
    for rec in records:
        base = os.path.basename(rec.get("input") or "")
        if base not in rows:
            continue
        path = rec.get("output")
        if rec.get("status") != "ok" or not path:
            out.append((base, None, None, "status %r, output %r (error %r)" % (
                rec.get("status"), path, rec.get("error"))))
            continue
        if not os.path.isabs(path) and not os.path.exists(path):
            path = os.path.join(base_dir, path)
        out.append((base, path, rec.get("metadata"), None))
    return out


def outputs_from_dir(out_dir, modes, rows):
    out = []
    for mode in modes:
        for base in sorted(rows):
            stem = base.rsplit(".", 1)[0]
            ext = rows[base]["out_ext"]
            exact = os.path.join(out_dir, "%s_%s.%s" % (stem, mode, ext))
            found = [exact] if os.path.exists(exact) else []
            partner = {"addPic": "add", "mixPic": "mix"}.get(mode)
            if not found and partner:
                pat = os.path.join(glob.escape(out_dir),
                                   "%s_%s_*.%s" % (glob.escape(stem), partner, ext))
                found = sorted(glob.glob(pat))
            if not found:
                out.append((base, exact, False, None))
            for path in found:
                out.append((base, path, False, None))
    return out


USAGE = ("usage: check_mixed.py [--strip] [--table] IN_DIR MANIFEST\n"
         "       check_mixed.py [--strip] [--table] IN_DIR OUT_DIR MODE [MODE...]")


def main(argv):
    strip = table = False
    args = []
    for a in argv[1:]:
        if a == "--strip":
            strip = True
        elif a == "--table":
            table = True
        elif a.startswith("-"):
            print("check_mixed: unknown option %s" % a, file=sys.stderr)
            args = None
            break
        else:
            args.append(a)
    if args is None or len(args) < 2 or (len(args) == 2 and os.path.isdir(args[1])):
        print(USAGE, file=sys.stderr)
        return 2
    in_dir = args[0]
    try:
        rows = read_expect(os.path.join(in_dir, "expect.tsv"))
        if len(args) == 2:
            todo = outputs_from_manifest(args[1], rows)
        else:
            if not os.path.isdir(args[1]):
                raise ValueError("%s is not a folder" % args[1])
            todo = outputs_from_dir(args[1], args[2:], rows)
    except (OSError, ValueError, KeyError) as e:
        print("check_mixed: %s" % e, file=sys.stderr)
        return 2
    failed = checked = 0
    seen = {}
    for base, path, listed, why in todo:
        row = rows[base]
        name = os.path.basename(path) if path else base
        notes = []
        if why is not None:
            bad = [why]
        else:
            try:
                bad, notes = check_output(path, row, in_dir, strip, listed)
            except (Bad, OSError, ValueError, SyntaxError, struct.error, zlib.error) as e:
                bad = ["cannot read: %s" % e]
        checked += 1
        seen[base] = seen.get(base, 0) + (0 if bad else 1)
        if bad:
            failed += 1
            print("FAIL %s (from %s): %s" % (name, base, "; ".join(bad)))
        else:
            meta = "none" if strip or not row["kinds"] else ",".join(row["kinds"]) + " equal"
            print("ok   %s: %s %s-bit %s band%s%s, %s%s%s" % (
                name, row["written_as"], row["out_bits"], row["bands"],
                "" if row["bands"] == "1" else "s", " with alpha" if row["alpha"] == "1" else "",
                "metadata " + meta if meta == "none" else meta,
                "" if row["compression"] == "-" else ", " + row["compression"],
                "".join("; " + n for n in notes)))
    for base in sorted(set(rows) - set(seen)):
        failed += 1
        print("FAIL %s: no output in the manifest" % base)
    if table:
        print()
        print("| format and case | read as | written as | metadata that survived | outputs verified |")
        print("|---|---|---|---|---|")
        for base in sorted(rows):
            r = rows[base]
            meta = "none (--strip)" if strip else (", ".join(r["kinds"]) or "none")
            print("| `%s` | %s | %s (.%s, %s-bit, %s band%s%s%s) | %s | %d |" % (
                base, r["read_as"], r["written_as"], r["out_ext"], r["out_bits"], r["bands"],
                "" if r["bands"] == "1" else "s", ", alpha" if r["alpha"] == "1" else "",
                "" if r["compression"] == "-" else ", " + r["compression"], meta,
                seen.get(base, 0)))
        print()
    print("%d outputs checked, %d failed, %d fixtures" % (checked, failed, len(rows)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
