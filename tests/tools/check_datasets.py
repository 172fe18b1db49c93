#!/usr/bin/env python3
"""Independent checks of the label files noiseaug writes (tests/cli/datasets.bats).

Reads noiseaug's stdout ("IN --> OUT" lines) on stdin where a check needs
the pairs, and the files with Python's own json, xml.etree and PIL: never
with noiseaug's parsers. Prints what is wrong and exits 1, or exits 0.

  labelme LABELS_IN LABELS_OUT      LabelMe .json beside/under the outputs
  voc LABELS_IN LABELS_OUT          Pascal VOC .xml
  coco IN_JSON OUT_JSON IN_DIR OUT_DIR COPIES ORIGINALS
                                    COCO invariants (ORIGINALS: 0 or 1)
  merge OUT_JSON SHARD_JSON...      the README's merge recipe, then prints
                                    the merged images and annotations
                                    sorted by id as one JSON line
  canon JSON                        the same line for one file
"""
import base64
import json
import os
import sys
import xml.etree.ElementTree as ET

from PIL import Image

errors = []


def fail(msg):
    errors.append(msg)


def pairs():
    for line in sys.stdin.read().splitlines():
        src, _, out = line.partition(" --> ")
        if out:
            yield src, out


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def pil_size(path):
    with Image.open(path) as im:
        bands = len(im.getbands())
        return im.size[0], im.size[1], bands


def check_labelme(labels_in, labels_out):
    for src, out in pairs():
        before_path = os.path.join(labels_in, stem(src) + ".json")
        after_path = os.path.join(labels_out, stem(out) + ".json")
        if not os.path.exists(before_path):
            continue
        with open(before_path, encoding="utf-8") as f:
            before = json.load(f)
        with open(after_path, encoding="utf-8") as f:
            after = json.load(f)
        want_rel = os.path.relpath(out, os.path.dirname(after_path))
        if after["imagePath"] != want_rel:
            fail(f"{after_path}: imagePath {after['imagePath']!r}, want {want_rel!r}")
        if before["imageData"] is None:
            if after["imageData"] is not None:
                fail(f"{after_path}: imageData was null and is not")
        else:
            with open(out, "rb") as f:
                written = f.read()
            if base64.b64decode(after["imageData"]) != written:
                fail(f"{after_path}: imageData is not the bytes of {out}")
        w, h, _ = pil_size(out)
        if (after["imageWidth"], after["imageHeight"]) != (w, h):
            fail(f"{after_path}: size {after['imageWidth']}x{after['imageHeight']}, "
                 f"want {w}x{h}")
        for key in before:
            if key not in ("imagePath", "imageData", "imageWidth", "imageHeight") and \
                    before[key] != after[key]:
                fail(f"{after_path}: {key} changed")
        if list(before) != list(after):
            fail(f"{after_path}: key order {list(after)}, want {list(before)}")


def voc_children(root, skip):
    return [ET.tostring(child) for child in root if child.tag not in skip]


def check_voc(labels_in, labels_out):
    for src, out in pairs():
        before_path = os.path.join(labels_in, stem(src) + ".xml")
        after_path = os.path.join(labels_out, stem(out) + ".xml")
        before = ET.parse(before_path).getroot()
        after = ET.parse(after_path).getroot()
        if after.findtext("filename") != os.path.basename(out):
            fail(f"{after_path}: filename {after.findtext('filename')!r}")
        if after.findtext("path") != os.path.realpath(out):
            fail(f"{after_path}: path {after.findtext('path')!r}, want "
                 f"{os.path.realpath(out)!r}")
        w, h, d = pil_size(out)
        got = tuple(after.findtext(f"size/{k}") for k in ("width", "height", "depth"))
        if got != (str(w), str(h), str(d)):
            fail(f"{after_path}: size {got}, want {(w, h, d)}")
        skip = {"filename", "path", "size"}
        if voc_children(before, skip) != voc_children(after, skip):
            fail(f"{after_path}: other elements changed")
        if before.attrib != after.attrib:
            fail(f"{after_path}: root attributes changed")
        with open(before_path, encoding="utf-8") as f:
            had_comment = "<!--" in f.read()
        with open(after_path, encoding="utf-8") as f:
            if had_comment and "<!-- drawn by hand -->" not in f.read():
                fail(f"{after_path}: the comment is gone")


def without_ids(ann):
    return {k: v for k, v in ann.items() if k not in ("id", "image_id")}


def check_coco(in_json, out_json, in_dir, out_dir, copies, originals):
    with open(in_json, encoding="utf-8") as f:
        src = json.load(f)
    with open(out_json, encoding="utf-8") as f:
        dst = json.load(f)
    for key in src:
        if key not in ("images", "annotations") and src[key] != dst.get(key):
            fail(f"{key} changed")
    ids = [im["id"] for im in dst["images"]]
    if len(ids) != len(set(ids)):
        fail("image ids are not unique")
    ann_ids = [a["id"] for a in dst["annotations"]]
    if len(ann_ids) != len(set(ann_ids)):
        fail("annotation ids are not unique")
    by_id = {im["id"]: im for im in dst["images"]}
    for a in dst["annotations"]:
        if a["image_id"] not in by_id:
            fail(f"annotation {a['id']} names image {a['image_id']}, which is not there")
    src_by_name = {im["file_name"]: im for im in src["images"]}
    src_anns = {}
    for a in src["annotations"]:
        src_anns.setdefault(a["image_id"], []).append(a)
    dst_anns = {}
    for a in dst["annotations"]:
        dst_anns.setdefault(a["image_id"], []).append(a)
    listed = {}
    for im in dst["images"]:
        listed[im["file_name"]] = listed.get(im["file_name"], 0) + 1
    expected = set()
    for src_path, out in pairs():
        rel_in = os.path.relpath(src_path, in_dir)
        rel_out = os.path.relpath(out, out_dir)
        if rel_in not in src_by_name:
            if rel_out in listed and rel_out != rel_in:
                fail(f"{rel_out}: listed, but its input is not in the file")
            continue
        expected.add(rel_out)
        if listed.get(rel_out) != 1:
            fail(f"{rel_out}: listed {listed.get(rel_out, 0)} times, want once")
            continue
        im = next(i for i in dst["images"] if i["file_name"] == rel_out)
        w, h, _ = pil_size(out)
        if (im["width"], im["height"]) != (w, h):
            fail(f"{rel_out}: size {im['width']}x{im['height']}, want {w}x{h}")
        orig = src_by_name[rel_in]
        want = [without_ids(a) for a in src_anns.get(orig["id"], [])]
        got = [without_ids(a) for a in dst_anns.get(im["id"], [])]
        if want != got:
            fail(f"{rel_out}: annotations differ from those of {rel_in}")
        if rel_out == rel_in:
            if im != orig:
                fail(f"{rel_out}: the original's entry changed")
        elif im["id"] in {i["id"] for i in src["images"]}:
            fail(f"{rel_out}: id {im['id']} is an original's")
    if set(listed) != expected:
        fail(f"images listed {sorted(set(listed) - expected)} beyond the outputs, or "
             f"missing {sorted(expected - set(listed))}")
    if not expected:
        fail("no output is listed")
    has_originals = any(im["file_name"] in src_by_name for im in dst["images"])
    if has_originals != (originals == "1"):
        fail(f"originals listed: {has_originals}, want {originals == '1'}")


def merge(out_json, shards):
    # The README's recipe, word for word in meaning.
    d = [json.load(open(f)) for f in shards]
    m = d[0]
    for k in ("images", "annotations"):
        m[k] = sorted({x["id"]: x for f in d for x in f[k]}.values(), key=lambda x: x["id"])
    json.dump(m, open(out_json, "w"))
    canon(out_json)


def canon(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for k in ("images", "annotations"):
        doc[k] = sorted(doc[k], key=lambda x: x["id"])
    print(json.dumps(doc, sort_keys=True))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "labelme":
        check_labelme(*args)
    elif cmd == "voc":
        check_voc(*args)
    elif cmd == "coco":
        check_coco(*args)
    elif cmd == "merge":
        merge(args[0], args[1:])
    elif cmd == "canon":
        canon(args[0])
    else:
        sys.exit(f"unknown check {cmd}")
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
