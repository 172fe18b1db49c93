#!/usr/bin/env python3
"""Writes a COCO instances file the size of train2017, for make bench.

usage: gen_coco.py OUT.json [IMAGES [ANNOTATIONS]]

Defaults: 118,287 images and 860,001 annotations, as in COCO train2017,
with polygons of about train2017's length so that the file is about
450 MB. Deterministic (a fixed seed): the same arguments write the same
bytes. Standard library only.
"""
import json
import random
import sys


def main():
    out = sys.argv[1]
    n_images = int(sys.argv[2]) if len(sys.argv) > 2 else 118287
    n_anns = int(sys.argv[3]) if len(sys.argv) > 3 else 860001
    rng = random.Random(2017)
    with open(out, "w", encoding="utf-8") as f:
        f.write('{"info": {"description": "generated like COCO 2017", "year": 2017}, ')
        f.write('"licenses": [{"url": "http://example.invalid", "id": 1, "name": "x"}], ')
        f.write('"images": [')
        for i in range(n_images):
            f.write(("," if i else "") + json.dumps({
                "license": 1, "file_name": f"{i + 1:012d}.jpg", "coco_url": "",
                "height": 480, "width": 640, "date_captured": "2013-11-14 11:18:45",
                "flickr_url": "", "id": i + 1}))
        f.write('], "annotations": [')
        for a in range(n_anns):
            # train2017 polygons average about 24 points; 2 decimals as COCO.
            points = [round(rng.uniform(0, 640), 2) for _ in range(2 * rng.randint(8, 40))]
            x, y = round(rng.uniform(0, 600), 2), round(rng.uniform(0, 440), 2)
            f.write(("," if a else "") + json.dumps({
                "segmentation": [points], "area": round(rng.uniform(10, 90000), 4),
                "iscrowd": 0, "image_id": 1 + a * n_images // n_anns,
                "bbox": [x, y, round(rng.uniform(1, 40), 2), round(rng.uniform(1, 40), 2)],
                "category_id": rng.randint(1, 90), "id": a + 1}))
        f.write('], "categories": [')
        f.write(",".join(json.dumps({"supercategory": "thing", "id": c, "name": f"c{c}"})
                         for c in range(1, 91)))
        f.write("]}\n")


if __name__ == "__main__":
    main()
