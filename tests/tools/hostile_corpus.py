#!/usr/bin/env python3
"""Builds the hostile corpus the suite runs noiseaug over (tests/cli/hostile.bats).

    hostile_corpus.py DATA_FORMATS_DIR OUT_DIR

Writes the files into OUT_DIR and, in OUT_DIR/expect.tsv, one line per file:
its name, a tab, and either "ok" (it holds a whole image and must be
written) or the start of the reason noiseaug must give after
"noiseaug: <path>: ". A truncated file's reason goes on either with
"the data ends before the image does" or, when its header claims more
pixels than its bytes could hold at all, with the pixels and the bytes. Plain Python: no PIL, so the corpus is the same
wherever the suite runs.

The classes:
- every committed fixture cut at 25, 50, 75, 95 and 99% of its length: stb
  fills what is missing with zeros, so each must be refused as truncated.
  anim.gif is cut at 25 and 50% only; later cuts keep its first frame
  whole (PIL decodes that frame from them too), and the first frame is all
  noiseaug reads;
- a Softimage PIC, whole and cut after its header: stb 2.27 crashed on the
  cut one (a failed load passed on to format conversion);
- header-only bombs: a BMP, TGA, PPM and PSD header claiming 16384 x 16384
  pixels with no pixel data, each about a hundred bytes. A decoder that
  trusts the header allocates a gigabyte before it finds out;
- headers of width 0, and a valid top-down BMP (negative height), whose
  reasons were once "image too large".
"""
import os
import struct
import sys

FORMAT_OF_EXT = {
    "jpg": "JPEG", "png": "PNG", "bmp": "BMP", "tga": "TGA", "gif": "GIF",
    "psd": "PSD", "pnm": "PNM", "pgm": "PNM", "ppm": "PNM",
}
CUTS = (25, 50, 75, 95, 99)
BIG = 16384


def pic(width, height):
    """An uncompressed RGB Softimage PIC: header, one channel packet, pixels."""
    header = (struct.pack(">I", 0x5380F634) + struct.pack(">f", 3.71) +
              b"noiseaug hostile corpus".ljust(80, b"\0") + b"PICT" +
              struct.pack(">HHfHH", width, height, 1.0, 3, 0))
    packet = bytes([0, 8, 0, 0xE0])  # last packet, 8 bits, uncompressed, R G B
    pixels = bytes((x * 40 + y * 10 + c * 80) & 255
                   for y in range(height) for x in range(width) for c in range(3))
    return header + packet + pixels


def bmp_header(width, height):
    """A 24-bit BMP that claims width x height and ends after its header."""
    row = (width * 3 + 3) // 4 * 4
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, row * height, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + row * height, 0, 0, 14 + len(info)) + info


def tga_header(width, height):
    """An uncompressed 24-bit TGA header, no pixels."""
    return struct.pack("<BBBHHBHHHHBB", 0, 0, 2, 0, 0, 0, 0, 0, width, height, 24, 0)


def ppm_header(width, height):
    return b"P6\n%d %d\n255\n" % (width, height)


def psd_header(width, height):
    """A raw (uncompressed) 8-bit RGB PSD header, no image data."""
    return (b"8BPS" + struct.pack(">H", 1) + b"\0" * 6 +
            struct.pack(">HIIHH", 3, height, width, 8, 3) +
            struct.pack(">I", 0) + struct.pack(">I", 0) + struct.pack(">I", 0) +
            struct.pack(">H", 0))


def top_down(bmp):
    """The same BMP with its rows stored top first, as a negative height says."""
    offset, = struct.unpack("<I", bmp[10:14])
    width, height = struct.unpack("<ii", bmp[18:26])
    bits, = struct.unpack("<H", bmp[28:30])
    row = (width * bits + 31) // 32 * 4
    rows = [bmp[offset + i * row:offset + (i + 1) * row] for i in range(height)]
    return (bmp[:22] + struct.pack("<i", -height) + bmp[26:offset] + b"".join(reversed(rows)) +
            bmp[offset + row * height:])


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: hostile_corpus.py DATA_FORMATS_DIR OUT_DIR")
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    expect = []

    def put(name, data, want):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        expect.append((name, want))

    for name in sorted(os.listdir(src)):
        stem, ext = os.path.splitext(name)
        fmt = FORMAT_OF_EXT.get(ext[1:].lower())
        if fmt is None:
            continue
        with open(os.path.join(src, name), "rb") as f:
            data = f.read()
        for cut in CUTS:
            if name == "anim.gif" and cut > 50:
                continue
            put("cut%02d_%s%s" % (cut, stem, ext), data[:len(data) * cut // 100],
                "cannot decode: truncated %s (" % fmt)

    whole = pic(8, 6)
    put("whole.pic", whole, "ok")
    put("cut_header.pic", whole[:128], "cannot decode: ")
    # A PIC whose packet stb's header reader refuses (7 bits a channel), so
    # the size checks never saw its header, while the loader allocated the
    # image from it: 1.8 GB for 139 bytes (found by make fuzz).
    bad_packet = pic(BIG, BIG)[:104] + bytes([0, 7, 0, 0xE0]) + bytes(32)
    put("bad_packet_bomb.pic", bad_packet,
        "cannot decode: PIC header promises more pixels than 140 bytes can hold")

    bomb = "cannot decode: truncated %s (16384x16384 pixels cannot fit in "
    put("bomb.bmp", bmp_header(BIG, BIG), bomb % "BMP")
    put("bomb.tga", tga_header(BIG, BIG), bomb % "TGA")
    put("bomb.ppm", ppm_header(BIG, BIG), bomb % "PNM")
    put("bomb_psd.psd", psd_header(BIG, BIG), bomb % "PSD")

    # Headers that give no image at all: "too large" was the reason once.
    put("zero_width.bmp", bmp_header(0, 10) + bytes(64),
        "cannot decode: the header gives a size of 0x10")
    put("zero_width.ppm", ppm_header(0, 4) + bytes(64),
        "cannot decode: the header gives a size of 0x4")
    # stb's PNM parser overflowed an int on this width (UBSan).
    put("huge_number.ppm", b"P6\n99999999999 1\n255\n" + bytes(64),
        "cannot decode: PNM header number of 11 digits")
    # A Huffman table claiming more than 256 codes: stb 2.27 wrote past its
    # array (found by fuzzing). The reason differs between the builds.
    with open(os.path.join(src, "progressive.jpg"), "rb") as f:
        jpeg = bytearray(f.read())
    dht = jpeg.index(b"\xff\xc4")
    jpeg[dht + 5 + 14:dht + 5 + 16] = b"\xff\xff"  # counts of 15- and 16-bit codes
    put("huffman_overflow.jpg", bytes(jpeg), "cannot decode: ")
    # A valid top-down BMP (negative height) was refused as "too large".
    with open(os.path.join(src, "image.bmp"), "rb") as f:
        put("top_down.bmp", top_down(f.read()), "ok")

    with open(os.path.join(out, "expect.tsv"), "w") as f:
        for name, want in expect:
            f.write("%s\t%s\n" % (name, want))


if __name__ == "__main__":
    main()
