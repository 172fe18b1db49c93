#!/usr/bin/env python3
"""make bench: noiseaug against its baselines, measured side by side.

Every timed command runs BENCH_RUNS times (default 5), interleaved round by
round so that a slow moment of this shared machine hits all of them alike.
The table gives medians; each ratio is computed within a round (the two runs
being compared ran back to back) and the median of those ratios is shown.

Sections: wall times and ratios, the targets of issue 3, per-stage times
(--stats), per-mode kernel throughput (bench/kernels), PNG settings
(bench/pngtune), peak RSS against file count, scan time for 100,000 files,
and what a partner cache could save. The markdown goes to stdout and to
build/bench/results.md.

Environment: BENCH_RUNS (default 5), BENCH_QUICK=1 (skip the 10,000-image
RSS run), BENCH_CORPUS (default ../shared/corpus/photos, else generated).
"""
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "turbo")
WORK = os.path.join(ROOT, "build", "bench")
NOISEAUG = os.path.join(ROOT, "noiseaug")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
QUICK = os.environ.get("BENCH_QUICK") == "1"
DEBIAN_PYTHON = "/usr/bin/python3"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_timed(argv, out_dir, shell=False):
    """Runs one command into a fresh out_dir; returns (seconds, peak RSS KiB)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, shell=shell, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv} failed: {err.strip()}")
    return seconds, usage.ru_maxrss


def corpus_dir():
    wanted = os.environ.get("BENCH_CORPUS",
                            os.path.join(ROOT, "..", "shared", "corpus", "photos"))
    if os.path.isdir(wanted):
        return os.path.abspath(wanted), "shared corpus"
    gen = os.path.join(WORK, "corpus")
    if not os.path.isdir(gen):
        subprocess.run([os.path.join(BUILD, "gen_samples"), "--corpus", gen, "70"],
                       check=True)
    return gen, "generated corpus (shared corpus absent)"


def python_baseline_ok():
    if not os.path.exists(DEBIAN_PYTHON):
        return "no /usr/bin/python3"
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import cv2, numba"],
                           capture_output=True)
    return None if probe.returncode == 0 else "python3-opencv or python3-numba missing"


def imagemagick():
    for cand in ("/usr/bin/convert-im6.q16", "/usr/bin/convert"):
        try:
            out = subprocess.run([cand, "-version"], capture_output=True, text=True)
        except OSError:
            continue
        if "ImageMagick" in out.stdout:
            return cand
    return None


def wall_times(corpus):
    out = os.path.join(WORK, "out")
    cmds = OrderedDict()
    cmds["noiseaug -j 1"] = [NOISEAUG, "-j", "1", "--seed", "7", corpus, out]
    cmds["noiseaug -j 2"] = [NOISEAUG, "-j", "2", "--seed", "7", corpus, out]
    cmds["codec floor -j 2 (--modes none)"] = [NOISEAUG, "-j", "2", "--seed", "7",
                                               "--modes", "none", corpus, out]
    skipped = {}
    why = python_baseline_ok()
    if why is None:
        cmds["Python (OpenCV + numba, 2 processes)"] = [
            DEBIAN_PYTHON, os.path.join(ROOT, "bench", "python_baseline.py"),
            "-j", "2", "--seed", "7", corpus, out]
    else:
        skipped["Python (OpenCV + numba, 2 processes)"] = why
    magick = imagemagick()
    if magick:
        cmds["ImageMagick +noise Gaussian, xargs -P 2"] = (
            f"ls '{corpus}' | xargs -P 2 -I{{}} {magick} '{corpus}/{{}}' "
            f"+noise Gaussian -quality 95 '{out}/{{}}'")
    else:
        skipped["ImageMagick +noise Gaussian, xargs -P 2"] = "ImageMagick not installed"
    times = {name: [] for name in cmds}
    rss = {name: 0 for name in cmds}
    for r in range(RUNS):
        log(f"bench: round {r + 1}/{RUNS}")
        for name, argv in cmds.items():
            secs, kib = run_timed(argv, out, shell=isinstance(argv, str))
            times[name].append(secs)
            rss[name] = max(rss[name], kib)
    shutil.rmtree(out, ignore_errors=True)
    return times, rss, skipped


def ratio(times, a, b):
    """Median over rounds of times[a][i] / times[b][i]."""
    if a not in times or b not in times:
        return None
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def stage_stats(corpus):
    out = os.path.join(WORK, "out")
    shutil.rmtree(out, ignore_errors=True)
    res = subprocess.run([NOISEAUG, "-j", "2", "--seed", "7", "--stats", corpus, out],
                         capture_output=True, text=True, check=True)
    shutil.rmtree(out, ignore_errors=True)
    line = next(l for l in res.stderr.splitlines() if "stats" in l)
    parts = line.split(":", 2)[2].split(",")
    stages = [(p.split()[0], float(p.split()[1])) for p in parts]
    return stages, res.stdout


def lru_hit_rate(partners, size):
    cache, hits = OrderedDict(), 0
    for p in partners:
        if p in cache:
            hits += 1
            cache.move_to_end(p)
        else:
            cache[p] = True
            if len(cache) > size:
                cache.popitem(last=False)
    return hits / len(partners) if partners else 0.0


def rss_scaling(corpus):
    """Peak RSS of -j 2 runs over 1,000 and 10,000 inputs (symlinks to the
    corpus JPEGs). A background thread deletes outputs as they appear, so
    the disk does not fill."""
    jpegs = sorted(f for f in os.listdir(corpus) if f.lower().endswith(".jpg"))
    results = []
    for count in ([1000] if QUICK else [1000, 10000]):
        src = os.path.join(WORK, f"many{count}")
        if not os.path.isdir(src) or len(os.listdir(src)) != count:
            shutil.rmtree(src, ignore_errors=True)
            os.makedirs(src)
            for i in range(count):
                os.symlink(os.path.join(corpus, jpegs[i % len(jpegs)]),
                           os.path.join(src, f"s{i:05d}.jpg"))
        out = os.path.join(WORK, "out")
        stop = threading.Event()

        def sweep():
            while not stop.is_set():
                try:
                    for e in os.scandir(out):
                        if not e.name.startswith("."):
                            os.unlink(e.path)
                except FileNotFoundError:
                    pass
                time.sleep(0.2)

        log(f"bench: RSS run over {count} images")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        t = threading.Thread(target=sweep)
        t.start()
        try:
            start = time.perf_counter()
            proc = subprocess.Popen([NOISEAUG, "-j", "2", "--seed", "7", src, out],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            secs = time.perf_counter() - start
        finally:
            stop.set()
            t.join()
        shutil.rmtree(out, ignore_errors=True)
        results.append((count, usage.ru_maxrss / 1024, secs,
                        os.waitstatus_to_exitcode(status)))
    return results


def scan_time():
    d = os.path.join(WORK, "scan100k")
    if not os.path.isdir(d) or len(os.listdir(d)) != 100000:
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for i in range(100000):
            open(os.path.join(d, f"f{i:06d}.jpg"), "w").close()
    res = subprocess.run([os.path.join(BUILD, "kernels"), "--scan", d],
                         capture_output=True, text=True, check=True)
    return res.stdout.strip()


def format_rows(corpus):
    """TIFF (LZW) and WebP (lossy) copies of the corpus, made once by
    noiseaug --modes none, then noiseaug -j 2 against ImageMagick's +noise
    Gaussian (xargs -P 2) on the same files, medians of RUNS rounds."""
    magick = imagemagick()
    lines = ["Other formats: noiseaug -j 2 against ImageMagick +noise Gaussian "
             "(xargs -P 2) on the corpus converted (--modes none):\n",
             "| format | files | noiseaug -j 2 s | ImageMagick s | ImageMagick / noiseaug |",
             "|---|---:|---:|---:|---:|"]
    for ext in ("tif", "webp"):
        src = os.path.join(WORK, f"as-{ext}")
        shutil.rmtree(src, ignore_errors=True)
        subprocess.run([NOISEAUG, "-Q", "--seed", "1", "--modes", "none", "-f", ext,
                        "-q", "80", corpus, src], check=True, stdout=subprocess.DEVNULL)
        # --modes none names its outputs <stem>_none.<ext>: plain inputs now.
        files = sorted(os.listdir(src))
        out = os.path.join(WORK, "out-fmt")
        ours, theirs = [], []
        for _ in range(RUNS):
            ours.append(run_timed([NOISEAUG, "-j", "2", "--seed", "7", src, out], out)[0])
            if magick:
                theirs.append(run_timed(
                    f"ls '{src}' | xargs -P 2 -I{{}} {magick} '{src}/{{}}' "
                    f"+noise Gaussian -quality 80 '{out}/{{}}'", out, shell=True)[0])
        shutil.rmtree(out, ignore_errors=True)
        mine = statistics.median(ours)
        if theirs:
            im = statistics.median(theirs)
            rat = statistics.median(b / a for a, b in zip(ours, theirs))
            lines.append(f"| {ext} | {len(files)} | {mine:.3f} | {im:.3f} | {rat:.2f}x |")
        else:
            lines.append(f"| {ext} | {len(files)} | {mine:.3f} | skipped: no ImageMagick | - |")
    return "\n".join(lines) + "\n"


def coco_figures():
    """--coco on a file of train2017's size (tools/gen_coco.py: 118,287
    images, 860,001 annotations, about 450 MB): bench/cocobench loads it and
    writes one output per image, 3 times; Python's json.load of the same
    file is the baseline, run alternately with it."""
    folder = os.path.join(WORK, "coco")
    source = os.path.join(folder, "instances.json")
    os.makedirs(folder, exist_ok=True)
    if not os.path.exists(source):
        log("bench: generating the COCO file (about 450 MB, once)")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_coco.py"), source],
                       check=True)
    bench = os.path.join(BUILD, "cocobench")
    out = os.path.join(folder, "out.json")
    load, write, rss, py, py_rss = [], [], [], [], []
    for _ in range(3):
        fields = subprocess.run([bench, source, out], capture_output=True, text=True,
                                check=True).stdout.split()
        load.append(float(fields[0]))
        write.append(float(fields[1]))
        rss.append(int(fields[2]))
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c",
                                 "import json, sys; json.load(open(sys.argv[1]))", source])
        _, status, usage = os.wait4(proc.pid, 0)
        py.append(time.perf_counter() - start)
        py_rss.append(usage.ru_maxrss)
    size = os.path.getsize(source) / 2**20
    med = statistics.median
    return (f"COCO file of train2017's size ({size:.0f} MiB, {fields[3]} images, "
            f"{fields[4]} annotations), median of 3: noiseaug loads it in {med(load):.1f} s "
            f"and writes the outputs' file in {med(write):.1f} s, peak RSS "
            f"{med(rss) / 1024:.0f} MiB; Python's json.load alone takes {med(py):.1f} s and "
            f"{med(py_rss) / 1024:.0f} MiB.\n")


def main():
    os.makedirs(WORK, exist_ok=True)
    corpus, corpus_kind = corpus_dir()
    files = sorted(os.listdir(corpus))
    md = []
    md.append(f"## make bench ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores)\n")
    md.append(f"Corpus: {corpus_kind}, {len(files)} images. "
              f"Medians of {RUNS} interleaved runs; ratios are medians of per-round ratios.\n")
    version = subprocess.run([NOISEAUG, "--version"], capture_output=True, text=True).stdout
    md.append("Codecs: " + version.splitlines()[1].split(":", 1)[1].strip() + "\n")

    times, rss, skipped = wall_times(corpus)

    stages, stdout = stage_stats(corpus)
    stage = dict(stages)
    total = sum(s for _, s in stages)
    # The codec work of exactly what noiseaug writes: decoding the inputs and
    # encoding the noisy outputs, spread over 2 cores. Noisy images cost more
    # to encode than clean ones, which the --modes none floor cannot show.
    floor_b = (stage["decode"] + stage["encode"]) / 2
    times["codec work of the noisy outputs, 2 cores (from --stats)"] = [floor_b] * RUNS

    j1, j2, floor = "noiseaug -j 1", "noiseaug -j 2", "codec floor -j 2 (--modes none)"
    py = "Python (OpenCV + numba, 2 processes)"
    im = "ImageMagick +noise Gaussian, xargs -P 2"
    targets = [
        ("Python / noiseaug -j 2", ratio(times, py, j2), ">= 6", lambda v: v >= 6),
        ("ImageMagick / noiseaug -j 2", ratio(times, im, j2), ">= 12", lambda v: v >= 12),
        ("noiseaug -j 2 / codec floor (--modes none)", ratio(times, j2, floor), "<= 1.15",
         lambda v: v <= 1.15),
        ("noiseaug -j 2 / codec work of the noisy outputs",
         ratio(times, j2, "codec work of the noisy outputs, 2 cores (from --stats)"),
         "<= 1.15", lambda v: v <= 1.15),
        ("noiseaug -j 1 / noiseaug -j 2", ratio(times, j1, j2), ">= 1.8", lambda v: v >= 1.8),
    ]
    md.append("| command | median wall s | min | max | peak RSS MiB |")
    md.append("|---|---:|---:|---:|---:|")
    for name, ts in times.items():
        mib = f"{rss[name] / 1024:.1f}" if name in rss else "-"
        md.append(f"| {name} | {statistics.median(ts):.3f} | {min(ts):.3f} | "
                  f"{max(ts):.3f} | {mib} |")
    for name, why in skipped.items():
        md.append(f"| {name} | skipped: {why} | | | |")
    md.append("")

    md.append("| target | measured | goal | met |")
    md.append("|---|---:|---:|---|")
    for name, value, goal, ok in targets:
        if value is None:
            md.append(f"| {name} | skipped | {goal} | - |")
        else:
            md.append(f"| {name} | {value:.2f}x | {goal} | {'yes' if ok(value) else 'no'} |")
    md.append("")

    md.append("Per-stage thread time, noiseaug -j 2 --stats:\n")
    md.append("| stage | seconds | share |")
    md.append("|---|---:|---:|")
    for name, secs in stages:
        md.append(f"| {name} | {secs:.3f} | {100 * secs / total:.0f}% |")
    md.append("")

    partner_stems = []
    for line in stdout.splitlines():
        out_name = os.path.basename(line.split(" --> ")[1])
        for tag in ("_add_", "_mix_"):
            if tag in out_name:
                partner_stems.append(out_name.split(tag, 1)[1].rsplit(".", 1)[0])
    per_partner = stage["partner"] / max(1, len(partner_stems))
    md.append(f"Partner cache: {len(partner_stems)} of {len(files)} images need a partner; "
              f"LRU hit rate over the run's partner sequence: "
              + ", ".join(f"{n} entries {100 * lru_hit_rate(partner_stems, n):.0f}%"
                          for n in (2, 4, 8))
              + f". At {1000 * per_partner:.1f} ms per partner load, an 8-entry cache "
              f"would save about {lru_hit_rate(partner_stems, 8) * len(partner_stems) * per_partner:.3f} "
              f"thread-seconds of {total:.2f}.\n")

    kern = subprocess.run([os.path.join(BUILD, "kernels")], capture_output=True,
                          text=True, check=True).stdout.strip()
    md.append("Noise kernels, one core, median of 15:\n")
    md.append(kern + "\n")

    pngs = [os.path.join(corpus, f) for f in files if f.lower().endswith(".png")]
    if pngs:
        tune = subprocess.run([os.path.join(BUILD, "pngtune")] + pngs,
                              capture_output=True, text=True, check=True).stdout.strip()
        md.append("PNG settings (bench/pngtune; noiseaug uses filter average, level 1):\n")
        md.append(tune + "\n")

    md.append("| inputs (-j 2, 1280x720 JPEG) | peak RSS MiB | wall s | exit |")
    md.append("|---:|---:|---:|---:|")
    for count, mib, secs, code in rss_scaling(corpus):
        md.append(f"| {count} | {mib:.1f} | {secs:.1f} | {code} |")
    md.append("")
    md.append(scan_time().replace("scan of", "Scan of") + ".\n")
    md.append(coco_figures())
    md.append(format_rows(corpus))

    text = "\n".join(md)
    with open(os.path.join(WORK, "results.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
