#!/usr/bin/python3
"""Python baseline for benchmarking noiseaug.

This reproduces, in idiomatic "competition script" style, the augmentation
that noiseaug performs: every image in IN_DIR gets one of five noise modes
(salt-and-pepper, additive Gaussian, mixed Gaussian, additive picture, mixed
picture) chosen at random, and is written to OUT_DIR as <stem>_<tag>.<ext>.
The per-sample work is done by numba-compiled loops, and images are spread
over a ProcessPoolExecutor, so the timing reflects the usual fast-Python
approach (including process start-up and numba compilation in each worker).

Usage: python3 bench/python_baseline.py [-j N] [--seed S] IN_DIR OUT_DIR
"""
import argparse
import os
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor

try:
    import cv2
    import numba
    import numpy as np
except ImportError as exc:
    print(f"python_baseline: skipped: {exc.name} not available "
          "(apt-get install python3-opencv python3-numba)", file=sys.stderr)
    sys.exit(3)

EXTS = {".jpg", ".jpeg", ".png", ".bmp", ".tga"}
MODES = ("ps", "addGauss", "mixGauss", "addPic", "mixPic")
CFG = {}  # per-worker settings, filled by init_worker


# Numba kernels: img and partner are (pixels, channels) uint8 arrays and only
# the first ncol channels (the colour ones) are touched; alpha is left alone.
@numba.njit
def k_ps(img, u, ncol):
    for i in range(img.shape[0]):
        for c in range(ncol):
            if u[i, c] < 0.025:
                img[i, c] = 0
            elif u[i, c] < 0.05:
                img[i, c] = 255


@numba.njit
def k_add_gauss(img, g, ncol):
    for i in range(img.shape[0]):
        for c in range(ncol):
            v = 0.9 * img[i, c] + 0.1 * g[i, c]
            img[i, c] = np.uint8(np.floor(min(max(v, 0.0), 255.0) + 0.5))


@numba.njit
def k_mix_gauss(img, g, u, ncol):
    for i in range(img.shape[0]):
        for c in range(ncol):
            if u[i, c] < 0.05:
                img[i, c] = np.uint8(np.floor(min(max(g[i, c], 0.0), 255.0) + 0.5))


@numba.njit
def k_add_pic(img, p, ncol):
    for i in range(img.shape[0]):
        for c in range(ncol):
            v = 0.9 * img[i, c] + 0.1 * p[i, c]
            img[i, c] = np.uint8(np.floor(min(v, 255.0) + 0.5))


@numba.njit
def k_mix_pic(img, p, u, ncol):
    for i in range(img.shape[0]):
        for c in range(ncol):
            if u[i, c] < 0.05:
                img[i, c] = p[i, c]


def init_worker(in_dir, out_dir, files, seed):
    CFG.update(in_dir=in_dir, out_dir=out_dir, files=files, seed=seed)
    a = np.zeros((4, 3), np.uint8)
    f = np.zeros((4, 3), np.float64)
    k_ps(a, f, 3); k_add_gauss(a, f, 3); k_mix_gauss(a, f, f, 3)
    k_add_pic(a, a, 3); k_mix_pic(a, a, f, 3)


def load_partner(name, height, width, ncol):
    p = cv2.imread(os.path.join(CFG["in_dir"], name), cv2.IMREAD_UNCHANGED)
    p = cv2.resize(p, (width, height), interpolation=cv2.INTER_NEAREST)
    if p.ndim == 3 and p.shape[2] == 4:
        p = cv2.cvtColor(p, cv2.COLOR_BGRA2BGR)
    elif p.ndim == 3 and p.shape[2] == 2:
        p = p[:, :, 0]
    if ncol == 3 and p.ndim == 2:
        p = cv2.cvtColor(p, cv2.COLOR_GRAY2BGR)
    elif ncol == 1 and p.ndim == 3:
        p = cv2.cvtColor(p, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(p).reshape(height * width, ncol)


def process_one(name):
    files, stem_ext = CFG["files"], os.path.splitext(name)
    rng = np.random.default_rng([CFG["seed"], zlib.crc32(name.encode())])
    img = cv2.imread(os.path.join(CFG["in_dir"], name), cv2.IMREAD_UNCHANGED)
    h, w = img.shape[:2]
    chans = 1 if img.ndim == 2 else img.shape[2]
    ncol = chans - 1 if chans in (2, 4) else chans
    flat = img.reshape(h * w, chans)  # a view: kernels write into img
    shape = (h * w, ncol)
    mode = MODES[rng.integers(len(MODES))]
    if mode == "ps":
        k_ps(flat, rng.random(shape), ncol)
        tag = "ps"
    elif mode in ("addGauss", "mixGauss"):
        colour = flat[:, :ncol]
        g = rng.normal(colour.mean(), colour.std(), shape)
        if mode == "addGauss":
            k_add_gauss(flat, g, ncol)
        else:
            k_mix_gauss(flat, g, rng.random(shape), ncol)
        tag = mode
    else:
        others = [f for f in files if f != name] or [name]
        partner = others[rng.integers(len(others))]
        p = load_partner(partner, h, w, ncol)
        if mode == "addPic":
            k_add_pic(flat, p, ncol)
        else:
            k_mix_pic(flat, p, rng.random(shape), ncol)
        tag = ("add_" if mode == "addPic" else "mix_") + os.path.splitext(partner)[0]
    out_path = os.path.join(CFG["out_dir"], f"{stem_ext[0]}_{tag}{stem_ext[1]}")
    if stem_ext[1].lower() in (".jpg", ".jpeg"):
        cv2.imwrite(out_path, img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    else:
        cv2.imwrite(out_path, img)
    return out_path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", type=int, default=os.cpu_count(), metavar="N")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("in_dir")
    ap.add_argument("out_dir")
    args = ap.parse_args()
    start = time.perf_counter()
    os.makedirs(args.out_dir, exist_ok=True)
    files = sorted(f for f in os.listdir(args.in_dir)
                   if not f.startswith(".")
                   and os.path.splitext(f)[1].lower() in EXTS
                   and os.path.isfile(os.path.join(args.in_dir, f)))
    with ProcessPoolExecutor(max_workers=args.j, initializer=init_worker,
                             initargs=(args.in_dir, args.out_dir, files,
                                       args.seed)) as ex:
        for name, out_path in zip(files, ex.map(process_one, files)):
            print(f"{os.path.join(args.in_dir, name)} --> {out_path}")
    print(f"python_baseline: {len(files)} written in "
          f"{time.perf_counter() - start:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
