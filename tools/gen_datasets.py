#!/usr/bin/env python3
"""Writes the small datasets of data/datasets/ from the images of data/images.

Each set has the layout and label format of a real one, small enough to be
committed and read in a test:

  yolo/     Ultralytics: images/{train,val}/*.jpg|png, labels/{train,val}/*.txt
  voc/      Pascal VOC: JPEGImages/*, Annotations/*.xml
  labelme/  LabelMe: each image beside its .json (imageData embedded or null)
  coco/     COCO: train2017/*, annotations/instances_train2017.json, with one
            image the JSON names that is not in the folder and one image in
            the folder that the JSON does not name
  inet/     ImageNet-style class tree: {train,val}/<class>/*

Standard library only, and deterministic: `make datasets` rewrites the same
bytes. Sizes come from the image headers (PNG IHDR, JPEG SOF).
"""
import base64
import json
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = os.path.join(ROOT, "data", "images")


def image_size(path):
    """(width, height, depth) from a PNG or baseline/progressive JPEG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        width, height, _bits, colour = struct.unpack(">IIBB", data[16:26])
        return width, height, {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}[colour]
    pos = 2
    while pos < len(data):
        marker, length = data[pos + 1], struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height, data[pos + 9]
        pos += 2 + length
    raise ValueError(f"{path}: no size found")


def put(dest, name, source):
    os.makedirs(dest, exist_ok=True)
    shutil.copyfile(os.path.join(IMAGES, source), os.path.join(dest, name))
    return os.path.join(dest, name)


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def box(w, h, i):
    """A box inside a w x h image, different for each i."""
    x0, y0 = 4 + 3 * i, 5 + 2 * i
    return x0, y0, min(w - 2, x0 + w // 3), min(h - 2, y0 + h // 3)


def make_yolo(out):
    split = {"train": [("a.jpg", "f_photo.jpg"), ("b.png", "f_rgb.png")],
             "val": [("c.png", "f_grey.png")]}
    for part, files in split.items():
        for name, source in files:
            put(os.path.join(out, "images", part), name, source)
            stem = os.path.splitext(name)[0]
            write_text(os.path.join(out, "labels", part, stem + ".txt"),
                       "0 0.500000 0.500000 0.250000 0.300000\n")
    write_text(os.path.join(out, "data.yaml"),
               "path: .\ntrain: images/train\nval: images/val\nnames:\n  0: ship\n")


VOC_FULL = """<annotation>
\t<folder>JPEGImages</folder>
\t<filename>{name}</filename>
\t<path>/home/user/voc/JPEGImages/{name}</path>
\t<source>
\t\t<database>Unknown</database>
\t</source>
\t<!-- drawn by hand -->
\t<size>
\t\t<width>{w}</width>
\t\t<height>{h}</height>
\t\t<depth>{d}</depth>
\t</size>
\t<segmented>0</segmented>
{objects}</annotation>
"""

# Some tools write no <path> and no <size>: noiseaug adds them.
VOC_BARE = """<?xml version="1.0" encoding="UTF-8"?>
<annotation verified="yes">
  <folder>JPEGImages</folder>
  <filename>{name}</filename>
{objects}</annotation>
"""


def voc_objects(w, h, count, indent):
    text = ""
    for i in range(count):
        x0, y0, x1, y1 = box(w, h, i)
        t = indent
        text += (f"{t}<object>\n{t}{t}<name>ship</name>\n{t}{t}<pose>Unspecified</pose>\n"
                 f"{t}{t}<truncated>0</truncated>\n{t}{t}<difficult>0</difficult>\n"
                 f"{t}{t}<bndbox>\n{t}{t}{t}<xmin>{x0}</xmin>\n{t}{t}{t}<ymin>{y0}</ymin>\n"
                 f"{t}{t}{t}<xmax>{x1}</xmax>\n{t}{t}{t}<ymax>{y1}</ymax>\n{t}{t}</bndbox>\n"
                 f"{t}</object>\n")
    return text


def make_voc(out):
    files = [("000001.jpg", "f_photo.jpg", VOC_FULL, "\t", 2),
             ("000002.png", "f_rgb.png", VOC_BARE, "  ", 1),
             ("000003.png", "f_grey.png", VOC_FULL, "\t", 1)]
    for name, source, template, indent, count in files:
        path = put(os.path.join(out, "JPEGImages"), name, source)
        w, h, d = image_size(path)
        stem = os.path.splitext(name)[0]
        write_text(os.path.join(out, "Annotations", stem + ".xml"),
                   template.format(name=name, w=w, h=h, d=d,
                                   objects=voc_objects(w, h, count, indent)))


def labelme(name, path, embed, label):
    w, h, _ = image_size(path)
    with open(path, "rb") as f:
        data = base64.b64encode(f.read()).decode() if embed else None
    x0, y0, x1, y1 = box(w, h, 0)
    doc = {
        "version": "5.4.1",
        "flags": {},
        "shapes": [
            {"label": label, "points": [[x0 + 0.5, y0 + 0.25], [x1 - 0.125, y1 / 3.0]],
             "group_id": None, "description": "", "shape_type": "rectangle", "flags": {},
             "mask": None},
            {"label": label, "points": [[1.0, 2.0], [w / 7.0, 3.5], [w / 3.0, h / 9.0]],
             "group_id": 1, "description": "bow", "shape_type": "polygon", "flags": {},
             "mask": None},
        ],
        "imagePath": name,
        "imageData": data,
        "imageHeight": h,
        "imageWidth": w,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def make_labelme(out):
    files = [("img_001.jpg", "f_photo.jpg", True, "船"),
             ("img_002.png", "f_rgb.png", False, "ship"),
             ("img_003.png", "f_rgba.png", True, "ship")]
    for name, source, embed, label in files:
        path = put(out, name, source)
        write_text(os.path.join(out, os.path.splitext(name)[0] + ".json"),
                   labelme(name, path, embed, label))


def make_coco(out):
    folder = os.path.join(out, "train2017")
    present = [("000000000009.jpg", "f_photo.jpg"), ("000000000025.png", "f_rgb.png"),
               ("000000000030.png", "f_grey.png"), ("000000000034.png", "f_rgba.png")]
    images, annotations = [], []
    ann_id = 900
    for i, (name, source) in enumerate(present):
        w, h, _ = image_size(put(folder, name, source))
        image_id = 9 + 7 * i
        images.append({"license": 1 + i % 2, "file_name": name, "coco_url": "",
                       "height": h, "width": w, "date_captured": "2013-11-14 11:18:45",
                       "flickr_url": "", "id": image_id})
        # 000000000030 has no annotation: a background image.
        for j in range(0 if i == 2 else i + 1):
            x0, y0, x1, y1 = box(w, h, j)
            annotations.append({
                "segmentation": [[x0 + 0.5, y0 + 0.25, x1 - 0.1, y0 + 0.3, x1 / 3.0, y1 + 0.0]],
                "area": (x1 - x0) * (y1 - y0) / 2.0 + 0.1,
                "iscrowd": 0, "image_id": image_id,
                "bbox": [x0 + 0.5, y0 + 0.25, (x1 - x0) / 3.0, float(y1 - y0)],
                "category_id": 1 + j % 2, "id": ann_id})
            ann_id += 3
    # Named by the JSON, absent from the folder.
    images.append({"license": 1, "file_name": "000000000042.jpg", "coco_url": "",
                   "height": 120, "width": 160, "date_captured": "2013-11-14 11:18:45",
                   "flickr_url": "", "id": 42})
    annotations.append({"segmentation": [[1.0, 2.0, 30.5, 2.0, 30.5, 40.25]], "area": 600.5,
                        "iscrowd": 0, "image_id": 42, "bbox": [1.0, 2.0, 29.5, 38.25],
                        "category_id": 1, "id": 5000})
    # In the folder, absent from the JSON.
    put(folder, "000000000077.png", "f_grey_alpha.png")
    doc = {
        "info": {"description": "noiseaug test set", "version": "1.0", "year": 2026,
                 "contributor": "noiseaug", "date_created": "2026/11/28"},
        "licenses": [{"url": "http://example.invalid/1", "id": 1, "name": "One"},
                     {"url": "http://example.invalid/2", "id": 2, "name": "Two"}],
        "images": images,
        "annotations": annotations,
        "categories": [{"supercategory": "vehicle", "id": 1, "name": "ship"},
                       {"supercategory": "vehicle", "id": 2, "name": "boat"}],
    }
    write_text(os.path.join(out, "annotations", "instances_train2017.json"),
               json.dumps(doc, ensure_ascii=False) + "\n")


def make_inet(out):
    tree = {"train": {"n01": ["f_photo.jpg", "f_rgb.png"], "n02": ["f_grey.png", "f_rgba.png"]},
            "val": {"n01": ["f_wide.bmp"], "n02": ["f_tile.tga"]}}
    for part, classes in tree.items():
        for cls, sources in classes.items():
            for i, source in enumerate(sources):
                ext = os.path.splitext(source)[1]
                put(os.path.join(out, part, cls), f"{part}_{cls}_{i}{ext}", source)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data", "datasets")
    shutil.rmtree(out, ignore_errors=True)
    for name, make in [("yolo", make_yolo), ("voc", make_voc), ("labelme", make_labelme),
                       ("coco", make_coco), ("inet", make_inet)]:
        make(os.path.join(out, name))


if __name__ == "__main__":
    main()
