#!/usr/bin/python3
"""Generate the mixed-format fixtures of data/mixed and tests/fixtures/refused.

usage: gen_mixed.py DIR REFUSED_DIR

Every file is deterministic: two runs write the same bytes (the HEIF/AVIF
files too: heif-enc 1.15.1 with libde265/x265 and libaom writes no time;
they are skipped with a message when heif-enc is missing, and expect.tsv
still lists them, since it describes the committed folder).  PIL writes what it can; the TIFF layouts PIL cannot
write (16-bit RGB, five bands, tiles, planar, a lying strip) come from the
small baseline writer below.  DIR/expect.tsv says what noiseaug must write
for each fixture; tests/tools/check_mixed.py checks it.
"""
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from PIL import Image, ImageCms, TiffImagePlugin, TiffTags
from PIL.PngImagePlugin import PngInfo


def f_colour(x, y, w, h):
    """The colour of the asymmetric "F" at (x, y), or None off it.

    The stem, the top bar and the shorter middle bar have distinct colours,
    so a flip, a rotation or a channel swap shows."""
    sx, sy = w / 48.0, h / 32.0
    u, v = x / sx, y / sy
    if 10 <= u < 16 and 4 <= v < 28:
        return (220, 30, 30)       # stem: red
    if 16 <= u < 36 and 4 <= v < 9:
        return (30, 200, 40)       # top bar: green
    if 16 <= u < 29 and 14 <= v < 18:
        return (40, 60, 230)       # middle bar: blue
    return None


def rgb_pixels(w, h, scale=1):
    """Row-major (r, g, b) tuples: a gradient with the F over it; scale=257
    stretches the values to 16 bits (0..65535)."""
    out = []
    for y in range(h):
        for x in range(w):
            c = f_colour(x, y, w, h)
            if c is None:
                c = (x * 255 // (w - 1), y * 255 // (h - 1), (x + y) * 255 // (w + h - 2))
            out.append(tuple(v * scale for v in c))
    return out


def rgb_image(w, h):
    im = Image.new("RGB", (w, h))
    im.putdata(rgb_pixels(w, h))
    return im


def grey_values(w, h, maxval):
    """Grey gradient from 0 to maxval exactly, with the F darker/lighter."""
    vals = []
    n = w * h - 1
    for y in range(h):
        for x in range(w):
            c = f_colour(x, y, w, h)
            if c is not None:
                vals.append((sum(c) // 3) * maxval // 255)
            else:
                # Span the whole range: first pixel 0, last pixel maxval.
                vals.append((y * w + x) * maxval // n)
    return vals


def grey8_image(w, h):
    im = Image.new("L", (w, h))
    im.putdata(grey_values(w, h, 255))
    return im


def grey16_image(w, h):
    im = Image.new("I;16", (w, h))
    im.putdata(grey_values(w, h, 65535))
    return im


def rgba_image(w, h):
    """RGBA with a fully transparent block whose RGB is not zero, and a
    semi-transparent band."""
    im = Image.new("RGBA", (w, h))
    px = []
    for i, (r, g, b) in enumerate(rgb_pixels(w, h)):
        x, y = i % w, i // w
        if x >= w - 12 and y < 10:
            a = 0                      # invisible, but the RGB stays
        elif y >= h - 8:
            a = 96 + x % 64            # semi-transparent
        else:
            a = 255
        px.append((r, g, b, a))
    im.putdata(px)
    return im


def icc_profile(second=False):
    """lcms stamps the creation time into the header: fix it so two runs
    agree.  The profile ID (bytes 84..99) is zero, so nothing else moves.

    second=True gives another valid sRGB profile with other bytes (its date
    and rendering intent differ), so that an output which took its
    partner's profile, or a profile from the wrong file, shows."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert icc[84:100] == bytes(16)
    if second:
        icc[24:36] = struct.pack(">6H", 2025, 6, 7, 8, 9, 10)
        icc[64:68] = struct.pack(">I", 1)    # relative colorimetric
    else:
        icc[24:36] = struct.pack(">6H", 2026, 1, 2, 3, 4, 5)
    return bytes(icc)


def exif_bytes(orientation):
    ex = Image.Exif()
    ex[0x010F] = "noiseaug"
    ex[0x0132] = "2026:01:02 03:04:05"
    ex[0x0112] = orientation
    return ex.tobytes()


def save_bytes(im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def lzw_encode(data):
    """TIFF LZW (MSB-first codes, 9 to 12 bits, Clear first and whenever
    the table is full), greedy like libtiff's encoder, whose LZW strips it
    matches byte for byte.  PIL compresses strips only, so the tiled
    fixture needs its own encoder."""
    out = bytearray()
    acc = nacc = 0

    def put(code, width):
        nonlocal acc, nacc
        acc = (acc << width) | code
        nacc += width
        while nacc >= 8:
            nacc -= 8
            out.append((acc >> nacc) & 0xFF)
        acc &= (1 << nacc) - 1

    width, table, nxt, w = 9, {}, 258, b""
    put(256, width)
    for byte in data:
        wc = w + bytes((byte,))
        if len(wc) == 1 or wc in table:
            w = wc
            continue
        put(table[w] if len(w) > 1 else w[0], width)
        table[wc] = nxt
        nxt += 1
        if nxt == 4094:
            put(256, width)
            width, table, nxt = 9, {}, 258
        elif nxt > (1 << width) - 1:
            width += 1
        w = bytes((byte,))
    if w:
        put(table[w] if len(w) > 1 else w[0], width)
        nxt += 1
        if nxt > (1 << width) - 1 and width < 12:
            width += 1
    put(257, width)
    if nacc:
        out.append((acc << (8 - nacc)) & 0xFF)
    return bytes(out)


# --- A small baseline TIFF writer (little-endian) for what PIL cannot write.

SHORT, LONG, RATIONAL, DOUBLE = 3, 4, 5, 12
TYPE_FMT = {SHORT: "H", LONG: "I", DOUBLE: "d"}


def write_tiff(path, w, h, spp, bps, samples, photometric, extra=(),
               compression=1, planar=1, tile=None, lie=None):
    """Write one image.  samples: interleaved values, row-major.

    compression 1 (none), 5 (LZW, above) or 8 (Deflate through zlib,
    deterministic); planar
    2 stores each sample in its own strip; tile=(tw, th) writes tiles
    instead of strips.  lie=(width, height, bytecount) makes the header
    claim another size and a strip past the end (the bomb)."""
    def pack(vals):
        return struct.pack("<%d%s" % (len(vals), "B" if bps == 8 else "H"), *vals)

    chunks = []
    if tile is not None:
        tw, th = tile
        for ty in range(0, h, th):
            for tx in range(0, w, tw):
                vals = []
                for y in range(ty, ty + th):
                    for x in range(tx, tx + tw):
                        if x < w and y < h:
                            vals.extend(samples[(y * w + x) * spp:(y * w + x + 1) * spp])
                        else:
                            vals.extend([0] * spp)   # tiles pad the edges
                chunks.append(pack(vals))
    elif planar == 2:
        for s in range(spp):
            chunks.append(pack(samples[s::spp]))
    else:
        chunks.append(pack(samples))
    if compression == 8:
        chunks = [zlib.compress(c, 9) for c in chunks]
    elif compression == 5:
        chunks = [lzw_encode(c) for c in chunks]

    if lie is not None:
        w, h, lie_count = lie
    entries = []  # (tag, type, values)

    def add(tag, typ, vals):
        entries.append((tag, typ, list(vals)))

    add(256, LONG, [w])
    add(257, LONG, [h])
    add(258, SHORT, [bps] * spp)
    add(259, SHORT, [compression])
    add(262, SHORT, [photometric])
    add(277, SHORT, [spp])
    add(284, SHORT, [planar])
    if extra:
        add(338, SHORT, extra)
    # Offsets are filled in once the layout is known.
    data_start = 8
    offsets, pos = [], data_start
    for c in chunks:
        offsets.append(pos)
        pos += len(c) + (len(c) & 1)
    counts = [len(c) for c in chunks]
    if lie is not None:
        counts = [lie_count]
    if tile is not None:
        add(322, LONG, [tile[0]])
        add(323, LONG, [tile[1]])
        add(324, LONG, offsets)
        add(325, LONG, counts)
    else:
        add(273, LONG, offsets)
        add(278, LONG, [h])
        add(279, LONG, counts)
    entries.sort(key=lambda e: e[0])

    ifd_pos = pos
    out = bytearray(b"II*\0" + struct.pack("<I", ifd_pos))
    for c in chunks:
        out += c
        if len(c) & 1:
            out += b"\0"
    assert len(out) == ifd_pos
    extra_pos = ifd_pos + 2 + 12 * len(entries) + 4
    ifd = bytearray(struct.pack("<H", len(entries)))
    tail = bytearray()
    for tag, typ, vals in entries:
        raw = struct.pack("<%d%s" % (len(vals), TYPE_FMT[typ]), *vals)
        if len(raw) <= 4:
            ifd += struct.pack("<HHI", tag, typ, len(vals)) + raw.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, typ, len(vals), extra_pos + len(tail))
            tail += raw
            if len(tail) & 1:
                tail += b"\0"
    ifd += struct.pack("<I", 0)
    out += ifd + tail
    with open(path, "wb") as f:
        f.write(out)


def flat(pixels):
    return [v for p in pixels for v in p]


# --- The fixtures.

def geo_ifd(transform):
    ifd = TiffImagePlugin.ImageFileDirectory_v2()

    def put(tag, typ, value):
        ifd[tag] = value
        ifd.tagtype[tag] = typ

    if transform:
        put(34264, TiffTags.DOUBLE, (0.5, 0.0, 0.0, 10.0, 0.0, -0.5, 0.0, 50.0,
                                     0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0))
    else:
        put(33550, TiffTags.DOUBLE, (0.5, 0.5, 0.0))
        put(33922, TiffTags.DOUBLE, (0.0, 0.0, 0.0, 10.0, 50.0, 0.0))
    put(34735, TiffTags.SHORT, (1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326))
    put(34736, TiffTags.DOUBLE, (6378137.0, 298.257223563))
    put(34737, TiffTags.ASCII, "WGS 84|")
    put(42112, TiffTags.ASCII,
        '<GDALMetadata>\n  <Item name="source">noiseaug test</Item>\n</GDALMetadata>\n')
    put(42113, TiffTags.ASCII, "0")
    return ifd


def run_heif(png_path, out_path, avif):
    cmd = ["heif-enc"] + (["-A"] if avif else []) + ["-q", "50", "-o", out_path, png_path]
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit("gen_mixed: %s failed: %s" % (" ".join(cmd), r.stderr.decode(errors="replace")))


# One row per fixture: file, read_as, bits, bands, alpha, width, height,
# the metadata kinds the input holds, and its compression.
ROWS = []


def note(name, read_as, bits, bands, alpha, w, h, kinds=(), compression="-"):
    ROWS.append((name, read_as, bits, bands, alpha, w, h, tuple(kinds), compression))


WRITTEN = {"jpg": "JPEG", "jfif": "JPEG", "jpe": "JPEG", "png": "PNG", "webp": "WebP",
           "tif": "TIFF", "heic": "PNG", "avif": "PNG"}
HOLDS = {"JPEG": ("icc", "resolution", "exif"),
         "PNG": ("icc", "resolution", "exif", "colour", "text"),
         "WebP": ("icc", "exif"),
         "TIFF": ("icc", "resolution", "geotiff")}
KIND_ORDER = ("icc", "resolution", "exif", "colour", "text", "geotiff")


def pil_mode(written, bits, bands, alpha):
    """The mode PIL 9.4 gives the output, or "-" where PIL cannot read it
    faithfully (16-bit RGB TIFF comes out as 8-bit RGB, five bands as
    RGBX) and the checker reads the TIFF tags itself."""
    if bits == 8:
        return {(1, 0): "L", (2, 1): "LA", (3, 0): "RGB", (4, 1): "RGBA"}.get((bands, alpha), "-")
    if bits == 16 and bands == 1:
        return "I;16" if written == "TIFF" else "I"
    return "-"


def expect_rows():
    out = ["\t".join(("file", "read_as", "written_as", "out_ext", "out_mode", "out_bits",
                      "bands", "alpha", "width", "height", "metadata", "compression"))]
    for name, read_as, bits, bands, alpha, w, h, kinds, comp in sorted(ROWS):
        ext = name.rsplit(".", 1)[1]
        written = WRITTEN[ext]
        out_ext = "png" if ext in ("heic", "avif") else ext
        if written in ("JPEG", "WebP"):
            bits = 8
        if written == "JPEG" and alpha:
            bands, alpha = bands - 1, 0
        kept = [k for k in KIND_ORDER if k in kinds and k in HOLDS[written]]
        if read_as in ("HEIF", "AVIF"):
            kept = []
        if written == "TIFF":
            compression = comp
        elif written == "WebP":
            lossless = comp == "lossless" or read_as in ("PNG", "TIFF")
            compression = "lossless" if lossless else "lossy"
        else:
            compression = "-"
        out.append("\t".join(str(v) for v in (name, read_as, written, out_ext,
                                                pil_mode(written, bits, bands, alpha), bits,
                                                bands, alpha, w, h, ",".join(kept) or "-",
                                                compression)))
    return "\n".join(out) + "\n"


def generate(d, refused):
    os.makedirs(d, exist_ok=True)
    os.makedirs(refused, exist_ok=True)
    P = lambda name: os.path.join(d, name)
    R = lambda name: os.path.join(refused, name)
    icc = icc_profile()
    icc2 = icc_profile(second=True)

    # WebP.
    rgb = rgb_image(64, 48)
    rgb.save(P("webp_lossy.webp"), "WEBP", quality=80, method=4)
    note("webp_lossy.webp", "WebP", 8, 3, 0, 64, 48, compression="lossy")
    rgb_image(48, 32).save(P("webp_lossless.webp"), "WEBP", lossless=True, method=4)
    note("webp_lossless.webp", "WebP", 8, 3, 0, 48, 32, compression="lossless")
    rgba_image(56, 40).save(P("webp_alpha.webp"), "WEBP", lossless=True, exact=True, method=4)
    note("webp_alpha.webp", "WebP", 8, 4, 1, 56, 40, compression="lossless")
    rgb_image(80, 48).save(P("webp_meta.webp"), "WEBP", quality=80, method=4,
                           icc_profile=icc, exif=exif_bytes(1))
    note("webp_meta.webp", "WebP", 8, 3, 0, 80, 48, ("icc", "exif"), "lossy")

    # TIFF through PIL.
    grey8_image(48, 32).save(P("tiff_grey8.tif"), "TIFF", compression="raw")
    note("tiff_grey8.tif", "TIFF", 8, 1, 0, 48, 32, compression="raw")
    g16 = grey16_image(64, 40)
    try:
        g16.save(P("tiff_grey16.tif"), "TIFF", compression="packbits")
        g16_comp = "packbits"
    except Exception as e:  # noqa: BLE001 - fall back as the brief says
        print("gen_mixed: PackBits 16-bit grey failed (%s); writing it uncompressed" % e,
              file=sys.stderr)
        g16.save(P("tiff_grey16.tif"), "TIFF", compression="raw")
        g16_comp = "raw"
    note("tiff_grey16.tif", "TIFF", 16, 1, 0, 64, 40, compression=g16_comp)
    rgb_image(72, 48).save(P("tiff_rgb8_lzw.tif"), "TIFF", compression="tiff_lzw")
    note("tiff_rgb8_lzw.tif", "TIFF", 8, 3, 0, 72, 48, compression="tiff_lzw")
    rgba_image(64, 48).save(P("tiff_rgba8.tif"), "TIFF", compression="tiff_adobe_deflate")
    note("tiff_rgba8.tif", "TIFF", 8, 4, 1, 64, 48, compression="tiff_adobe_deflate")
    grey16_image(48, 32).save(P("tiff_geo.tif"), "TIFF", tiffinfo=geo_ifd(False))
    note("tiff_geo.tif", "TIFF", 16, 1, 0, 48, 32, ("geotiff",), "raw")
    grey16_image(56, 32).save(P("tiff_geo_transform.tif"), "TIFF", tiffinfo=geo_ifd(True))
    note("tiff_geo_transform.tif", "TIFF", 16, 1, 0, 56, 32, ("geotiff",), "raw")
    rgb_image(64, 48).save(P("tiff_jpeg.tif"), "TIFF", compression="jpeg", quality=90)
    note("tiff_jpeg.tif", "TIFF", 8, 3, 0, 64, 48, compression="jpeg")
    rgb_image(64, 40).save(P("tiff_icc_dpi.tif"), "TIFF", compression="raw",
                           icc_profile=icc2, dpi=(300, 300))
    note("tiff_icc_dpi.tif", "TIFF", 8, 3, 0, 64, 40, ("icc", "resolution"), "raw")
    page2 = rgb_image(64, 48).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    rgb_image(64, 48).save(P("tiff_pages.tif"), "TIFF", compression="raw", save_all=True,
                           append_images=[page2])
    note("tiff_pages.tif", "TIFF", 8, 3, 0, 64, 48, compression="raw")

    # TIFF through the writer above.
    write_tiff(P("tiff_rgb16.tif"), 64, 48, 3, 16, flat(rgb_pixels(64, 48, 257)), 2,
               compression=8)
    note("tiff_rgb16.tif", "TIFF", 16, 3, 0, 64, 48, compression="tiff_adobe_deflate")
    five = [p + ((p[0] + p[1]) // 2, 255 - p[2]) for p in rgb_pixels(48, 32)]
    write_tiff(P("tiff_5band.tif"), 48, 32, 5, 8, flat(five), 2, extra=(0, 0))
    note("tiff_5band.tif", "TIFF", 8, 5, 0, 48, 32, compression="raw")
    write_tiff(P("tiff_tiled.tif"), 40, 24, 3, 8, flat(rgb_pixels(40, 24)), 2, tile=(16, 16),
               compression=5)
    note("tiff_tiled.tif", "TIFF", 8, 3, 0, 40, 24, compression="tiff_lzw")
    write_tiff(P("tiff_planar.tif"), 56, 40, 3, 8, flat(rgb_pixels(56, 40)), 2, planar=2)
    note("tiff_planar.tif", "TIFF", 8, 3, 0, 56, 40, compression="raw")

    # JPEG and PNG.
    jpeg = save_bytes(rgb_image(64, 48), "JPEG", quality=90)
    for name in ("photo.jfif", "photo.jpe"):
        with open(P(name), "wb") as f:
            f.write(jpeg)
        note(name, "JPEG", 8, 3, 0, 64, 48)
    # Stored 64x48 with orientation 6: displayed (and written) 48x64.
    rgb_image(64, 48).save(P("jpeg_icc_dpi.jpg"), "JPEG", quality=90, icc_profile=icc,
                           dpi=(300, 300), exif=exif_bytes(6))
    note("jpeg_icc_dpi.jpg", "JPEG", 8, 3, 0, 48, 64, ("icc", "resolution", "exif"))
    info = PngInfo()
    info.add(b"gAMA", struct.pack(">I", 45455))
    info.add_text("Title", "noiseaug fixture")
    info.add_text("Author", "gen_mixed.py")
    rgb_image(64, 48).save(P("png_icc_dpi.png"), "PNG", icc_profile=icc2, dpi=(300, 300),
                           pnginfo=info)
    note("png_icc_dpi.png", "PNG", 8, 3, 0, 64, 48, ("icc", "resolution", "colour", "text"))
    info = PngInfo()
    # sRGB (intent 0) with the gAMA and cHRM that the PNG spec recommends
    # beside it; PIL writes all three before IDAT.
    info.add(b"sRGB", b"\0")
    info.add(b"gAMA", struct.pack(">I", 45455))
    info.add(b"cHRM", struct.pack(">8I", 31270, 32900, 64000, 33000, 30000, 60000,
                                  15000, 6000))
    rgb_image(48, 32).save(P("png_srgb.png"), "PNG", pnginfo=info)
    note("png_srgb.png", "PNG", 8, 3, 0, 48, 32, ("colour",))
    rgba_image(64, 40).save(P("png_rgba.png"), "PNG")
    note("png_rgba.png", "PNG", 8, 4, 1, 64, 40)

    # Files whose bytes disagree with their names.
    rgb_image(48, 32).save(P("mislabelled_webp.jpg"), "WEBP", quality=80, method=4)
    note("mislabelled_webp.jpg", "WebP", 8, 3, 0, 48, 32, compression="lossy")
    rgba_image(48, 32).save(P("alpha_png.jpg"), "PNG")
    note("alpha_png.jpg", "PNG", 8, 4, 1, 48, 32)
    rgb_image(56, 40).save(P("jpeg_named.png"), "JPEG", quality=90)
    note("jpeg_named.png", "JPEG", 8, 3, 0, 56, 40)

    # HEIF and AVIF through heif-enc.
    if shutil.which("heif-enc") is None:
        print("gen_mixed: heif-enc not found (libheif-examples): heif_photo.heic and avif_photo.avif "
              "not written", file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "photo.png")
            rgb_image(64, 48).save(src, "PNG")
            run_heif(src, P("heif_photo.heic"), False)
            run_heif(src, P("avif_photo.avif"), True)
    # Listed either way: expect.tsv describes the committed folder.
    note("heif_photo.heic", "HEIF", 8, 3, 0, 64, 48, compression="lossy")
    note("avif_photo.avif", "AVIF", 8, 3, 0, 64, 48, compression="lossy")

    with open(P("expect.tsv"), "w") as f:
        f.write(expect_rows())

    # What noiseaug must refuse.
    frames = [rgb_image(48, 32).rotate(90 * i, expand=False) for i in range(3)]
    frames[0].save(R("animated.webp"), "WEBP", save_all=True, append_images=frames[1:],
                   duration=100, loop=0, lossless=True, method=4)
    fl = Image.new("F", (48, 32))
    fl.putdata([v / 255.0 for v in grey_values(48, 32, 255)])
    fl.save(R("float32.tif"), "TIFF")
    rgb_image(48, 32).convert("CMYK").save(R("cmyk.tif"), "TIFF", compression="raw")
    for src, dst in (("tiff_rgb8_lzw.tif", "truncated.tif"), ("webp_lossy.webp", "truncated.webp")):
        with open(P(src), "rb") as f:
            data = f.read()
        with open(R(dst), "wb") as f:
            f.write(data[:len(data) // 2])
    # 60000x60000 RGB claimed (10.8 GB), 12 bytes of pixels, and one strip
    # said to hold 4 GB (a LONG cannot say more).
    write_tiff(R("bomb.tif"), 4, 1, 3, 8, [0] * 12, 2, lie=(60000, 60000, 4000000000))


def main(argv):
    if len(argv) != 3:
        print("usage: gen_mixed.py DIR REFUSED_DIR", file=sys.stderr)
        return 2
    generate(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
