#!/usr/bin/env python3
"""pixcheck: noiseaug's outputs checked against its specification.

The CLI tests in tests/cli/partner.bats, strength.bats and independent.bats
call this script. It decodes with PIL, an independent decoder. PIL reduces
16-bit colour PNGs to 8 bits, so those PNGs are read by the small zlib-only
reader below instead, and that reader is checked against PIL's 8-bit view of
the same file. Each check computes what an output must hold from README.md,
never from noiseaug's code:

  ps        each colour sample becomes 0 or max with probability amount/2 each
  addGauss  (1-w)x + w g, with g ~ N(mean, std) of the image's colour samples
  mixGauss  with probability rate, replaced by g ~ N(mean, std)
  addPic    (1-b)x + b p, p the co-located sample of the fitted partner
  mixPic    with probability rate, replaced by the fitted partner's p

Results are rounded to nearest and clipped to [0, max]. Alpha is untouched.
The partner is the input whose stem the output name carries
(<stem>_add_<partner>[_<k>].<ext>). It is resized by nearest neighbour, with
each output pixel centre mapped to the source pixel under it, and matched to
the input's colour channels: grey is replicated, and colour becomes Rec. 601
luma. Then it is brought to the input's depth, x257 or /257 rounded.

Usage: pixcheck.py COMMAND ARGS (the commands are listed in main). Every check
exits 0 and prints a summary when it holds, or exits 1 and says why. LINES is
a file of noiseaug's stdout lines, "IN --> OUT".
"""

import math
import os
import struct
import subprocess
import sys
import zlib
from fractions import Fraction

from PIL import Image, ImageOps

PNG_SIG = b"\x89PNG\r\n\x1a\n"


class Fail(Exception):
    """A check that does not hold."""


def need(cond, *why):
    if not cond:
        raise Fail(" ".join(str(w) for w in why))


# --- images -------------------------------------------------------------

class Img:
    """Interleaved samples, row by row, with the geometry and depth."""

    def __init__(self, w, h, ch, bits, s):
        self.w, self.h, self.ch, self.bits, self.s = w, h, ch, bits, list(s)
        need(len(self.s) == w * h * ch, "sample count", len(self.s), w, h, ch)

    @property
    def cc(self):
        """Colour channels: alpha is the last of 2 or 4 channels."""
        return self.ch - 1 if self.ch in (2, 4) else self.ch

    @property
    def max(self):
        return (1 << self.bits) - 1

    def colour(self):
        """The colour samples, alpha left out, in order."""
        if self.cc == self.ch:
            return self.s
        return [v for i, v in enumerate(self.s) if i % self.ch != self.cc]

    def alpha(self):
        if self.cc == self.ch:
            return None
        return self.s[self.cc::self.ch]


def read_png(path):
    """A non-interlaced 8- or 16-bit grey/RGB/grey+alpha/RGBA PNG, with only
    zlib. PIL keeps 16-bit grey but reduces 16-bit colour to 8 bits."""
    with open(path, "rb") as f:
        data = f.read()
    need(data[:8] == PNG_SIG, path, "is not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        need(zlib.crc32(typ + body) == crc, path, "bad CRC in", typ)
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat.append(body)
        elif typ == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    need(depth in (8, 16) and ctype in (0, 2, 4, 6) and interlace == 0,
         path, "PNG kind not read here:", ihdr)
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    bpp = ch * depth // 8
    stride = w * bpp
    raw = zlib.decompress(b"".join(idat))
    need(len(raw) == h * (stride + 1), path, "wrong IDAT length")
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
            else:
                need(ft == 0, path, "bad filter type", ft)
        out += line
        prev = line
    if depth == 8:
        return Img(w, h, ch, 8, out)
    return Img(w, h, ch, 16, struct.unpack(">%dH" % (w * h * ch), bytes(out)))


def write_png(path, img):
    """Writes img as a PNG of its own depth and channels (filter 0)."""
    ctype = {1: 0, 2: 4, 3: 2, 4: 6}[img.ch]
    fmt = ">%dH" if img.bits == 16 else "%dB"
    stride = img.w * img.ch
    rows = b"".join(b"\0" + struct.pack(fmt % stride, *img.s[y * stride:(y + 1) * stride])
                    for y in range(img.h))

    def chunk(typ, body):
        return (struct.pack(">I", len(body)) + typ + body +
                struct.pack(">I", zlib.crc32(typ + body)))

    with open(path, "wb") as f:
        f.write(PNG_SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", img.w, img.h, img.bits,
                                                      ctype, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PIL_MODES = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}


def load(path):
    """The image as an independent decoder shows it: JPEGs turned upright by
    their EXIF orientation, palettes expanded, 16-bit samples kept."""
    with open(path, "rb") as f:
        head = f.read(26)
    if head[:8] == PNG_SIG and head[24] == 16 and head[25] != 0:
        img = read_png(path)
        # The zlib reader agrees with PIL's 8-bit view (the high bytes).
        pil = Image.open(path)
        pil = pil.convert("RGBA") if img.ch == 2 else pil
        view = pil.tobytes()
        hi = [v >> 8 for v in img.s]
        if img.ch == 2:  # PIL shows 16-bit grey+alpha as RGBA
            hi = [x for i in range(0, len(hi), 2) for x in (hi[i],) * 3 + (hi[i + 1],)]
        need(list(view) == hi, path, "zlib reader and PIL disagree")
        return img
    im = Image.open(path)
    if im.format == "JPEG":
        im = ImageOps.exif_transpose(im)
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("I", "I;16", "I;16B"):
        vals = list(im.getdata())
        need(min(vals) >= 0 and max(vals) <= 65535, path, "not 16-bit grey")
        return Img(im.width, im.height, 1, 16, vals)
    need(im.mode in PIL_MODES, path, "unexpected PIL mode", im.mode)
    return Img(im.width, im.height, PIL_MODES[im.mode], 8, im.tobytes())


def is_jpeg(path):
    with open(path, "rb") as f:
        return f.read(3) == b"\xff\xd8\xff"


# JPEG decoders need not agree to the bit: the pure-stb build's decoder and
# libjpeg-turbo's (PIL's) differ by up to 2 levels on data/images/f_photo.jpg.
# Samples that come from JPEG data are compared within this many levels.
JPEG_DECODE_TOL = 3


def decode_tol(path, bits):
    """How far noiseaug's decode of path may be from PIL's, at `bits`."""
    return JPEG_DECODE_TOL * (257 if bits == 16 else 1) if is_jpeg(path) else 0


# --- the specification ----------------------------------------------------

def convert_depth(v, frm, to):
    """x257 up, /257 rounded to nearest down (v/257 is never halfway)."""
    if frm == to:
        return v
    return v * 257 if to == 16 else (v + 128) // 257


def nearest(i, src_len, dst_len):
    """Source index under the centre of output pixel i."""
    return math.floor(Fraction(2 * i + 1, 2) * src_len / dst_len)


def fit_partner(src, img):
    """The partner as img sees it: img's size, colour channels and depth."""
    cc = img.cc
    cols = [nearest(x, src.w, img.w) for x in range(img.w)]
    out = []
    for y in range(img.h):
        sy = nearest(y, src.h, img.h)
        for sx in cols:
            base = (sy * src.w + sx) * src.ch
            for c in range(cc):
                if src.cc == 1:
                    v = src.s[base]
                elif cc == 1:
                    r, g, b = src.s[base:base + 3]
                    # Rec. 601 luma, rounded half up.
                    v = (299 * r + 587 * g + 114 * b + 500) // 1000
                else:
                    v = src.s[base + c]
                out.append(convert_depth(v, src.bits, img.bits))
    return out


_blend_memo = {}


def blend_expect(x, p, b, bits):
    """(1-b)x + b p rounded to nearest, and whether it is near a tie: the
    blend weight is fixed point (16 fraction bits for 8-bit samples, 32 for
    16-bit), which moves the exact value by at most 2^-(frac+1)·|p - x|, so
    within that of a half either rounding is right. Exact integer
    arithmetic: with b = num/den, the value is t/den, t = (den-num)x + num·p."""
    key = (x, p, b, bits)
    if key not in _blend_memo:
        num, den = b.numerator, b.denominator
        t = (den - num) * x + num * p
        rounded = (2 * t + den) // (2 * den)
        frac = 16 if bits == 8 else 32
        near_tie = abs(2 * (t % den) - den) * 2 ** frac <= den * abs(p - x)
        _blend_memo[key] = (rounded, near_tie)
    return _blend_memo[key]


# --- output lines --------------------------------------------------------

def stem(path):
    base = os.path.basename(path)
    return base.rsplit(".", 1)[0] if "." in base else base


def read_lines(path):
    pairs = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            need(" --> " in line, "not an output line:", line)
            i, o = line.split(" --> ", 1)
            pairs.append((i, o))
    need(pairs, path, "holds no output lines")
    return pairs


def partner_of(inp, out, tag):
    """The input path of the partner that out's name names (tag 'add' or
    'mix'), among the images beside inp."""
    s = stem(inp)
    name = stem(out)
    need(name.startswith(s + "_" + tag + "_"), out, "is not a", tag, "output of", inp)
    rest = name[len(s) + len(tag) + 2:]
    folder = os.path.dirname(inp)
    found = []
    for f in sorted(os.listdir(folder)):
        if f.startswith("."):
            continue
        ps = stem(f)
        if rest == ps or (rest.startswith(ps + "_") and rest[len(ps) + 1:].isdigit()):
            found.append(os.path.join(folder, f))
    need(len(found) == 1, out, "names partner", repr(rest), "matching", found)
    return found[0]


_cache = {}


def cached(path):
    if path not in _cache:
        _cache[path] = load(path)
    return _cache[path]


def same_alpha(a, b, what):
    need(a.alpha() == b.alpha(), what, "alpha plane changed")


def same_shape(i, o, what):
    need((i.w, i.h, i.ch, i.bits) == (o.w, o.h, o.ch, o.bits), what, "shape",
         (i.w, i.h, i.ch, i.bits), "->", (o.w, o.h, o.ch, o.bits))


# --- pixel checks ----------------------------------------------------------

def check_addpic(lines, blend, strict=False):
    """Every colour sample is round((1-b)x + b p) for the partner the name
    names; alpha is untouched. strict: no sample may be near a tie (the
    fixture is meant to have none)."""
    b = Fraction(blend)
    outs = samples = ties = 0
    pairs = []
    for inp, out in read_lines(lines):
        i, o = cached(inp), load(out)
        same_shape(i, o, out)
        same_alpha(i, o, out)
        pp = partner_of(inp, out, "add")
        pimg = cached(pp)
        p = fit_partner(pimg, i)
        tol = math.ceil((1 - b) * decode_tol(inp, i.bits) + b * decode_tol(pp, i.bits))
        for k, (x, y, q) in enumerate(zip(i.colour(), o.colour(), p)):
            want, near = blend_expect(x, q, b, i.bits)
            if near:
                ties += 1
                need(not strict, out, "sample", k, "is near a tie: bad fixture")
                ok = want - 1 - tol <= y <= want + tol  # a half rounded either way
            else:
                ok = abs(y - want) <= tol
            need(ok, out, "colour sample", k, "is", y, "not round((1-%s)*%d + %s*%d) = %d"
                 % (blend, x, blend, q, want), "(partner", os.path.basename(pp) + ")")
        samples += len(p)
        outs += 1
        pairs.append("%s<-%s" % (stem(inp), stem(pp)))
    print("addPic ok: %d outputs, %d colour samples, %d near ties" % (outs, samples, ties))
    print("pairs " + " ".join(sorted(set(pairs))))


def binom_tol(n, p):
    """Six binomial standard deviations of a count of n Bernoulli(p) trials:
    a correct build falls outside with probability below 2e-9."""
    return 6 * math.sqrt(n * p * (1 - p))


def check_mixpic(lines, rate=None, quiet=False):
    """Every changed colour sample equals the fitted partner's at its
    position; alpha is untouched. With a rate, the number of changed
    samples among those whose partner value differs is Binomial(n, rate)."""
    outs = 0
    report = []
    for inp, out in read_lines(lines):
        i, o = cached(inp), load(out)
        same_shape(i, o, out)
        same_alpha(i, o, out)
        pp = partner_of(inp, out, "mix")
        p = fit_partner(cached(pp), i)
        tol_x, tol_p = decode_tol(inp, i.bits), decode_tol(pp, i.bits)
        changed = differ = 0
        for k, (x, y, q) in enumerate(zip(i.colour(), o.colour(), p)):
            if abs(q - x) > tol_x + tol_p:
                differ += 1
            if abs(y - x) <= tol_x:
                continue
            changed += 1
            need(abs(y - q) <= tol_p, out, "colour sample", k, "(pixel %d, %d, channel %d)"
                 % (k // i.cc % i.w, k // i.cc // i.w, k % i.cc),
                 "is", y, "but the partner", os.path.basename(pp), "has", q, "there")
        if rate is not None:
            r = float(rate)
            need(differ > 0, out, "no sample differs from its partner's")
            need(abs(changed - differ * r) <= binom_tol(differ, r), out, "changed",
                 changed, "of", differ, "samples: share %.5f, not %s within 6 sigma"
                 % (changed / differ, rate))
        outs += 1
        report.append("pair %s %s %d %d" % (stem(inp), stem(pp), changed, differ))
    if not quiet:
        print("mixPic ok: %d outputs" % outs)
        print("\n".join(report))


def check_alpha(lines):
    """The alpha plane of each output is the input's, sample for sample, and
    at least one colour sample changed (so the mode did run)."""
    n = 0
    for inp, out in read_lines(lines):
        i, o = cached(inp), load(out)
        same_shape(i, o, out)
        need(i.alpha() is not None, inp, "has no alpha")
        same_alpha(i, o, out)
        need(i.colour() != o.colour(), out, "no colour sample changed")
        n += 1
    print("alpha ok: %d outputs" % n)


def check_ps(lines, amount):
    """Changed samples are 0 or max; the number that became 0 (of those
    that were not 0) is Binomial(n, amount/2), and likewise for max."""
    a = float(amount)
    for inp, out in read_lines(lines):
        i, o = cached(inp), load(out)
        same_shape(i, o, out)
        same_alpha(i, o, out)
        mx = i.max
        xs, ys = i.colour(), o.colour()
        to0 = to_max = 0
        for k, (x, y) in enumerate(zip(xs, ys)):
            if y != x:
                need(y in (0, mx), out, "sample", k, "changed to", y, "not 0 or", mx)
                to0 += y == 0
                to_max += y == mx
        n0 = sum(1 for x in xs if x != 0)
        nmax = sum(1 for x in xs if x != mx)
        need(n0 > 0 and nmax > 0, inp, "is all 0 or all max")
        need(abs(to0 - n0 * a / 2) <= binom_tol(n0, a / 2), out, "%d of %d samples became 0: "
             "share %.5f, not %.5f within 6 sigma" % (to0, n0, to0 / n0, a / 2))
        need(abs(to_max - nmax * a / 2) <= binom_tol(nmax, a / 2), out, "%d of %d samples became "
             "max: share %.5f, not %.5f within 6 sigma" % (to_max, nmax, to_max / nmax, a / 2))
        print("ps ok: %s: to 0 %.5f, to max %.5f, together %.5f (amount %s)"
              % (os.path.basename(out), to0 / n0, to_max / nmax, (to0 + to_max) / len(xs), amount))


def colour_stats(img):
    xs = img.colour()
    m = sum(xs) / len(xs)
    return m, math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))


def phi(z):
    """The standard normal distribution function."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def clip_allowance(d, sd):
    """How far clipping a normal variable at d standard deviations from its
    mean moves its mean, and (by Minkowski) at most its standard deviation:
    sd·(pdf(d) - d·(1 - Phi(d))) and sd·sqrt(E[(z - d)+ squared])."""
    pdf = math.exp(-d * d / 2) / math.sqrt(2 * math.pi)
    tail = 1 - phi(d)
    return sd * (pdf - d * tail), sd * math.sqrt(max(0.0, (1 + d * d) * tail - d * pdf))


def check_addgauss(lines, weight):
    """For each input value x held by many samples, the outputs there have
    mean (1-w)x + w·mean and standard deviation w·std, and the rounding's
    1/12 of variance.

    Tolerances: over n samples, the sample mean has a standard deviation of
    sd/sqrt(n), and the sample standard deviation about sd/sqrt(2n) (normal
    data). The tolerance is six of those, plus two more terms. One is the
    generator's documented inexactness. Each draw is within 0.016 std of the
    exact normal quantile, and within 0.001 std for 99.3% of draws, so by
    Minkowski the moments move by less than sqrt(0.993·0.001² + 0.007·0.016²)
    < 0.002 std. The other is the exact shift that clipping at 0 and max
    brings (clip_allowance). Groups within 3 sd of a bound are left out."""
    w = float(weight)
    for inp, out in read_lines(lines):
        i, o = cached(inp), load(out)
        same_shape(i, o, out)
        same_alpha(i, o, out)
        m, s = colour_stats(i)
        groups = {}
        for x, y in zip(i.colour(), o.colour()):
            groups.setdefault(x, []).append(y)
        used = 0
        for x, ys in sorted(groups.items()):
            n = len(ys)
            want_mean = (1 - w) * x + w * m
            ws = w * s
            want_sd = math.sqrt(ws * ws + 1 / 12)
            room = min(want_mean, i.max - want_mean) / want_sd
            if n < 10000 or room < 3:
                continue
            clip_mean, clip_sd = clip_allowance(room, want_sd)
            got_mean = sum(ys) / n
            got_sd = math.sqrt(sum((y - got_mean) ** 2 for y in ys) / n)
            tol_mean = 6 * want_sd / math.sqrt(n) + 0.002 * ws + clip_mean
            tol_sd = 6 * want_sd / math.sqrt(2 * n) + 0.002 * ws + clip_sd
            need(abs(got_mean - want_mean) <= tol_mean, out, "x=%d: mean %.4f, want %.4f +- %.4f"
                 % (x, got_mean, want_mean, tol_mean))
            need(abs(got_sd - want_sd) <= tol_sd, out, "x=%d: std %.4f, want %.4f +- %.4f"
                 % (x, got_sd, want_sd, tol_sd))
            print("addGauss ok: %s x=%d n=%d: mean %.4f (want %.4f +- %.4f), std %.4f "
                  "(want %.4f +- %.4f)" % (os.path.basename(out), x, n, got_mean, want_mean,
                                           tol_mean, got_sd, want_sd, tol_sd))
            used += 1
        need(used > 0, out, "no input value is held by enough samples away from the bounds")


def check_mixgauss(lines, rate):
    """The number of changed samples is a sum of Bernoulli(rate·(1 - q(x))),
    q(x) the chance that a draw round_clip(mean + std·z) equals x; checked
    within six standard deviations, plus the generator's inexactness (each
    bin of its normal has exactly its mass, and draws within a bin are
    within 0.016 std of the exact quantile, so q(x) moves by at most
    0.016·std·max density·(1/std) < 0.01 of itself: 0.001·rate·n is ample)."""
    r = float(rate)
    for inp, out in read_lines(lines):
        i, o = cached(inp), load(out)
        same_shape(i, o, out)
        same_alpha(i, o, out)
        m, s = colour_stats(i)
        need(s > 0, inp, "is flat: a replaced sample would equal the original")
        mx = i.max

        def q(x):
            if x == 0:
                return phi((0.5 - m) / s)
            if x == mx:
                return 1 - phi((mx - 0.5 - m) / s)
            return phi((x + 0.5 - m) / s) - phi((x - 0.5 - m) / s)

        qs = {}
        mean = var = 0.0
        changed = 0
        xs, ys = i.colour(), o.colour()
        for x, y in zip(xs, ys):
            if x not in qs:
                qs[x] = r * (1 - q(x))
            p = qs[x]
            mean += p
            var += p * (1 - p)
            changed += y != x
        tol = 6 * math.sqrt(var) + 0.001 * r * len(xs)
        need(abs(changed - mean) <= tol, out, "%d samples changed, want %.1f +- %.1f (share %.5f)"
             % (changed, mean, tol, changed / len(xs)))
        print("mixGauss ok: %s: %d of %d changed (share %.5f), want %.1f +- %.1f"
              % (os.path.basename(out), changed, len(xs), changed / len(xs), mean, tol))


# --- formats ----------------------------------------------------------------

def format_of(path):
    ext = path.rsplit(".", 1)[-1].lower()
    return {"jpeg": "jpg"}.get(ext, ext)


def expected_layout(ch, bits, fmt, codec):
    """Channels and depth of an image of ch channels and `bits` written as
    fmt. JPEG, BMP and TGA hold 8-bit samples; JPEG holds no alpha, and the
    pure-stb build writes every JPEG with three components (README); stb's
    BMP writer has no grey forms, so grey comes out as grey-valued RGB, and
    grey+alpha loses its alpha (see the note in independent.bats)."""
    if fmt == "png":
        return ch, bits
    if fmt == "jpg":
        return (3 if codec == "stb" or ch >= 3 else 1), 8
    if fmt == "bmp":
        return (4 if ch == 4 else 3), 8
    need(fmt == "tga", "unknown format", fmt)
    return ch, 8


def convert(img, fmt, codec):
    """img as it must come out when written as fmt."""
    ch, bits = expected_layout(img.ch, img.bits, fmt, codec)
    s = [convert_depth(v, img.bits, bits) for v in img.s]
    if ch == img.ch:
        return Img(img.w, img.h, ch, bits, s)
    out = []
    for k in range(img.w * img.h):
        px = s[k * img.ch:(k + 1) * img.ch]
        colour = px[:img.cc]
        if len(colour) == 1 and ch >= 3:
            colour = colour * 3
        if ch in (2, 4):
            colour = colour + [px[-1]]
        out.extend(colour)
    return Img(img.w, img.h, ch, bits, out)


def mean_abs(a, b):
    return sum(abs(x - y) for x, y in zip(a.s, b.s)) / len(a.s)


def transformed(img, how):
    rows = [img.s[y * img.w * img.ch:(y + 1) * img.w * img.ch] for y in range(img.h)]
    if how == "vflip":
        rows = rows[::-1]
    elif how == "mirror":
        rows = [sum((r[x * img.ch:(x + 1) * img.ch] for x in range(img.w - 1, -1, -1)), [])
                for r in rows]
    elif how == "rbswap":
        rows = [sum(([p[2], p[1], p[0]] + p[3:] for p in
                     (r[x * img.ch:(x + 1) * img.ch] for x in range(img.w))), []) for r in rows]
    return Img(img.w, img.h, img.ch, img.bits, sum(rows, []))


# Mean absolute difference allowed between a JPEG output and the image it
# encodes, in 8-bit levels. Quality 95 on the F fixtures gives at most 1.2
# for clean images; for noisy ones see cmd_same. A vertical flip or a mirror
# of an F fixture is 19 levels or more away, so the bound cannot hide one.
JPEG_TOL_CLEAN = 2.5


def compare(want, got, what, jpeg_tol, exact_tol=0):
    """got equals want, or for a JPEG is within jpeg_tol on average."""
    same_shape(want, got, what)
    if jpeg_tol is None:
        bad = [k for k, (x, y) in enumerate(zip(want.s, got.s)) if abs(x - y) > exact_tol]
        need(not bad, what, "differs in %d samples, first at sample %d: %d, want %d"
             % (len(bad), bad[0], got.s[bad[0]], want.s[bad[0]]) if bad else "")
        return 0.0
    d = mean_abs(want, got)
    need(d <= jpeg_tol, what, "mean abs difference %.3f over %.2f" % (d, jpeg_tol))
    return d


def cmd_none(lines, codec):
    """-m none: each output is the input (as PIL shows it) written in the
    output's format: the same samples in lossless formats, within JPEG's
    loss in JPEG. For the asymmetric F fixtures (f_*), also checks that a
    flip, a mirror or an R/B swap is more than twice the tolerance away,
    so the tolerance cannot hide one."""
    n = 0
    for inp, out in read_lines(lines):
        fmt = format_of(out)
        want = convert(cached(inp), fmt, codec)
        got = load(out)
        jpeg_tol = JPEG_TOL_CLEAN if fmt == "jpg" else None
        exact_tol = decode_tol(inp, 8)
        compare(want, got, out, jpeg_tol, exact_tol)
        if os.path.basename(inp).startswith("f_") and fmt == "jpg":
            for how in ("vflip", "mirror") + (("rbswap",) if cached(inp).cc == 3 else ()):
                far = mean_abs(want, transformed(want, how))
                need(far > 2 * JPEG_TOL_CLEAN, inp, how, "is only %.2f away" % far)
        n += 1
    print("none ok: %d outputs" % n)


def check_modes_png(lines, mode):
    """Per-mode rules for PNG outputs of ps, addGauss and mixGauss, which
    keep the input's channels and depth: alpha untouched, and
    ps: every changed sample is 0 or max, and some changed (300 samples
        or more);
    addGauss: every sample within (1-w)x + w(mean +- 7 std), w = 0.1, and
        some changed where std > 0 (7 std: a correct build leaves it with
        probability 2.6e-12 per sample);
    mixGauss: at most 12% of the samples changed (5% expected: over the
        smallest input, 2,880 samples, 12% is more than 15 sigma away),
        each to a value within mean +- 7 std."""
    n = 0
    for inp, out in read_lines(lines):
        i, o = cached(inp), load(out)
        same_shape(i, o, out)
        same_alpha(i, o, out)
        tol = decode_tol(inp, i.bits)
        xs, ys = i.colour(), o.colour()
        m, s = colour_stats(i)
        changed = [k for k, (x, y) in enumerate(zip(xs, ys)) if abs(x - y) > tol]
        if mode == "ps":
            # 0.95^300 < 3e-7: a run this size must change something.
            need(changed or len(xs) < 300, out, "no sample changed")
            for k in changed:
                need(ys[k] in (0, i.max), out, "sample", k, "is", ys[k], "not 0 or max")
        elif mode == "addGauss":
            w = 0.1
            if s > 0:
                need(changed, out, "no sample changed")
            for k, (x, y) in enumerate(zip(xs, ys)):
                lo = max(0, math.floor((1 - w) * x + w * (m - 7 * s)) - 1 - tol)
                hi = min(i.max, math.ceil((1 - w) * x + w * (m + 7 * s)) + 1 + tol)
                need(lo <= y <= hi, out, "sample", k, "is", y, "outside", lo, hi)
        elif mode == "mixGauss":
            need(len(changed) <= 0.12 * len(xs), out, len(changed), "of", len(xs), "changed")
            lo, hi = m - 7 * s - 1 - tol, m + 7 * s + 1 + tol
            for k in changed:
                need(lo <= ys[k] <= hi or ys[k] in (0, i.max), out, "sample", k, "is", ys[k])
        else:
            need(False, "unknown mode", mode)
        n += 1
    print("%s ok: %d outputs" % (mode, n))


# Mean absolute difference allowed between a noisy JPEG output and the
# noisy PNG of the same plan. Measured on the fixtures at quality 95 in both
# builds: at most 3.42, for mixGauss (isolated outlying samples ring the
# most). A flip or a mirror of an F fixture costs 19 levels or more.
JPEG_TOL_NOISY = 6.0


def cmd_same(png_lines, other_lines, codec):
    """The same plan written in another format holds the same pixels: the
    seed, the input's name and the copy index, not the format, drive the
    noise (README, Reproducibility). So each output of OTHER equals the
    corresponding PNG output converted to OTHER's format."""
    png = {inp: out for inp, out in read_lines(png_lines)}
    n = 0
    worst = 0.0
    for inp, out in read_lines(other_lines):
        need(inp in png, inp, "has no PNG output")
        need(stem(png[inp]) == stem(out), "plans differ:", png[inp], out)
        fmt = format_of(out)
        want = convert(cached(png[inp]), fmt, codec)
        d = compare(want, load(out), out, JPEG_TOL_NOISY if fmt == "jpg" else None)
        worst = max(worst, d)
        n += 1
    print("same ok: %d outputs, worst JPEG mean abs difference %.3f" % (n, worst))


def fnv_alpha(img):
    """imginfo's alpha hash: FNV-1a 64 over the alpha samples, or '-'."""
    if img.ch % 2 != 0:
        return "-"
    h = 0xCBF29CE484222325
    for a in img.s[img.ch - 1::img.ch]:
        h = ((h ^ a) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def cmd_info(imginfo, lines, codec):
    """noiseaug's own decoder (imginfo) and PIL agree on every output's
    width, height, channels, depth and alpha plane; and the output's layout
    is the input's, as fitted to the output's format."""
    pairs = read_lines(lines)
    res = subprocess.run([imginfo] + [o for _, o in pairs], capture_output=True, text=True)
    need(res.returncode == 0, "imginfo failed:", res.stderr.strip())
    rows = res.stdout.splitlines()
    need(len(rows) == len(pairs), "imginfo printed", len(rows), "lines for", len(pairs))
    for (inp, out), row in zip(pairs, rows):
        o = cached(out)
        f = row.split()
        theirs = (int(f[0]), int(f[1]), int(f[2]), int(f[3]), f[5])
        ours = (o.w, o.h, o.ch, o.bits, fnv_alpha(o))
        need(theirs == ours, out, "noiseaug decodes", theirs, "PIL", ours)
        i = cached(inp)
        ch, bits = expected_layout(i.ch, i.bits, format_of(out), codec)
        need((o.w, o.h, o.ch, o.bits) == (i.w, i.h, ch, bits), out, "is",
             (o.w, o.h, o.ch, o.bits), "for input", (i.w, i.h, i.ch, i.bits))
    print("info ok: %d outputs" % len(pairs))


def cmd_suite(mode, codec, imginfo, png_lines, *other_lines):
    """One mode's outputs in every format: the PNG ones follow the mode's
    rule against the inputs; the others hold the PNG ones' pixels in their
    own format; PIL and noiseaug's decoder agree on all of them."""
    if mode == "addPic":
        check_addpic(png_lines, "0.1")
    elif mode == "mixPic":
        check_mixpic(png_lines, quiet=True)
        print("mixPic ok")
    else:
        check_modes_png(png_lines, mode)
    for lines in (png_lines,) + other_lines:
        cmd_info(imginfo, lines, codec)
    for lines in other_lines:
        cmd_same(png_lines, lines, codec)


# --- fixtures --------------------------------------------------------------

def save(img, path):
    """8-bit images through PIL; 16-bit grey through PIL's I;16; other
    16-bit images through write_png (PIL cannot write them)."""
    if img.bits == 8:
        mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[img.ch]
        Image.frombytes(mode, (img.w, img.h), bytes(img.s)).save(path)
    elif img.ch == 1:
        Image.frombytes("I;16", (img.w, img.h), struct.pack("<%dH" % len(img.s), *img.s)).save(path)
    else:
        write_png(path, img)
    back = load(path)
    need((back.w, back.h, back.ch, back.bits, back.s) == (img.w, img.h, img.ch, img.bits, img.s),
         path, "does not read back as written")


def flat(w, h, colour, bits=8):
    return Img(w, h, len(colour), bits, list(colour) * (w * h))


def gradient(w, h, grey=False, alpha=False):
    """A pattern where each position and channel differ from its mirror,
    flip and shift: R = 4x, G = 5y, B = 2(x+y), mod 256; grey 3x + 7y."""
    s = []
    for y in range(h):
        for x in range(w):
            px = [(3 * x + 7 * y) % 256] if grey else [4 * x % 256, 5 * y % 256, 2 * (x + y) % 256]
            if alpha:
                px.append((11 * x + 3 * y) % 256)
            s.extend(px)
    return Img(w, h, len(s) // (w * h), 8, s)


# Flat colours of the addPic set: all distinct, 15 or more apart within a
# channel (so a wrong partner moves round((1-b)x + b·p) by at least one level
# at b = 0.1), and with no pair where 0.9x + 0.1p or 0.7x + 0.3p is a half.
FLAT5 = [(209, 107, 159), (52, 130, 62), (148, 234, 140), (191, 74, 99), (30, 48, 221)]


def make_flat5(d):
    for c in range(3):
        col = [v[c] for v in FLAT5]
        for x in col:
            for p in col:
                if x != p:
                    need(abs(x - p) >= 15 and (9 * x + p) % 10 != 5 and (7 * x + 3 * p) % 10 != 5,
                         "bad FLAT5 pair", x, p)
    vals = [v for c in FLAT5 for v in c]
    need(len(set(vals)) == len(vals), "FLAT5 values repeat")
    for name, colour in zip("abcde", FLAT5):
        save(flat(64, 48, colour), os.path.join(d, name + ".png"))


def make_gradients(d):
    """Flat inputs beside gradient partners of the same, a smaller and a
    larger size (4:3 to non-integer ratios), a grey one and one with alpha."""
    save(flat(64, 48, (7, 130, 251)), os.path.join(d, "flatrgb.png"))
    save(flat(64, 48, (93,)), os.path.join(d, "flatgrey.png"))
    save(gradient(64, 48), os.path.join(d, "gradsame.png"))
    save(gradient(40, 30), os.path.join(d, "gradsmall.png"))
    save(gradient(100, 70), os.path.join(d, "gradbig.png"))
    save(gradient(64, 48, grey=True), os.path.join(d, "gradgrey.png"))
    save(gradient(50, 50, alpha=True), os.path.join(d, "gradalpha.png"))


def make_depth16(d):
    """Flat images of both depths: 16-bit grey and RGB, 8-bit grey and RGB.
    The 16-bit values are not multiples of 257 or 256, so blending at 8 bits
    or scaling a partner by 256 shows. No pair blends to a tie at b = 0.1."""
    imgs = {
        "ga": flat(64, 48, (40004,), 16),
        "gb": flat(64, 48, (12346,), 16),
        "rc": flat(64, 48, (51236, 3210, 23457), 16),
        "ed": flat(64, 48, (200,)),
        "ee": flat(64, 48, (17, 99, 180)),
    }
    for a, x in imgs.items():
        for b, p in imgs.items():
            if a != b:
                for xv, pv in zip(x.colour()[:3], fit_partner(p, x)[:3]):
                    need(not blend_expect(xv, pv, Fraction("0.1"), x.bits)[1],
                         "depth16:", a, "with partner", b, "blends to a tie")
    for name, img in imgs.items():
        save(img, os.path.join(d, name + ".png"))


def make_alpha(d):
    """RGBA and grey+alpha, 8- and 16-bit, with varying colour and alpha."""
    def pattern(w, h, ch, bits):
        s = []
        for y in range(h):
            for x in range(w):
                px = [(5 * x + 9 * y + 40 * c) % 256 for c in range(ch - 1)]
                px.append((13 * x + 3 * y) % 256)
                s.extend(v * 256 + (x % 7) if bits == 16 else v for v in px)
        return Img(w, h, ch, bits, s)

    save(pattern(48, 40, 4, 8), os.path.join(d, "rgba8.png"))
    save(pattern(40, 30, 2, 8), os.path.join(d, "la8.png"))
    save(pattern(40, 30, 4, 16), os.path.join(d, "rgba16.png"))
    save(pattern(48, 32, 2, 16), os.path.join(d, "la16.png"))


def make_big_flat(d):
    save(flat(512, 512, (100, 100, 100)), os.path.join(d, "flat.png"))


def make_two_valued(d):
    """Half the samples 28, half 228, as a checkerboard: mean 128 and
    population std 100, with both values 100 from either bound."""
    s = []
    for y in range(512):
        for x in range(512):
            s.extend([228 if (x + y) % 2 else 28] * 3)
    save(Img(512, 512, 3, 8, s), os.path.join(d, "two.png"))


def make_mix_pair(d):
    save(flat(512, 512, (30, 60, 90)), os.path.join(d, "pa.png"))
    save(flat(512, 512, (200, 170, 140)), os.path.join(d, "pb.png"))


FIXTURES = {
    "flat5": make_flat5, "gradients": make_gradients, "depth16": make_depth16,
    "alpha": make_alpha, "bigflat": make_big_flat, "twovalued": make_two_valued,
    "mixpair": make_mix_pair,
}


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "make":
        os.makedirs(args[1], exist_ok=True)
        FIXTURES[args[0]](args[1])
    elif cmd == "addpic":
        check_addpic(args[0], args[1], strict="--strict" in args[2:])
    elif cmd == "mixpic":
        check_mixpic(args[0], args[1] if len(args) > 1 else None)
    elif cmd == "alpha":
        check_alpha(args[0])
    elif cmd == "ps":
        check_ps(args[0], args[1])
    elif cmd == "addgauss":
        check_addgauss(args[0], args[1])
    elif cmd == "mixgauss":
        check_mixgauss(args[0], args[1])
    elif cmd == "none":
        cmd_none(args[0], args[1])
    elif cmd == "modes":
        check_modes_png(args[0], args[1])
    elif cmd == "same":
        cmd_same(args[0], args[1], args[2])
    elif cmd == "info":
        cmd_info(args[0], args[1], args[2])
    elif cmd == "suite":
        cmd_suite(*args)
    else:
        raise Fail("unknown command " + cmd)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except Fail as e:
        print("pixcheck: " + str(e), file=sys.stderr)
        sys.exit(1)
