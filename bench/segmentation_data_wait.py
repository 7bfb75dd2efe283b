#!/usr/bin/env python3
"""Does segmentation data loading keep up with training? Writes an Oxford-IIIT Pet-shaped
dataset (500x375 JPEG photos, PNG trimaps, the real layout), trains U-Net on it with the host's
default data workers and augmentation, and reports the share of each step spent waiting for
its batch (data_wait_seconds / epoch_seconds of the second epoch), beside the data pipeline's
own rate (bench/data_loader). The target is < 10%. A narrow U-Net makes steps short, which
makes waiting more visible, not less.

usage: segmentation_data_wait.py HOST [--quick] [--json OUT]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image


def write_pet(root, count, width, height, rng):
    """Smooth photo-like content (gradients, a blob, sensor noise) so JPEGs have realistic sizes."""
    images, trimaps = os.path.join(root, "images"), os.path.join(root, "annotations", "trimaps")
    os.makedirs(images)
    os.makedirs(trimaps)
    y, x = np.mgrid[0:height, 0:width]
    names = []
    for i in range(count):
        cx, cy, r = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height, rng.uniform(0.15, 0.3) * height
        d = np.hypot(x - cx, y - cy)
        base = np.stack([x / width * 120 + 60, y / height * 100 + 50, (x + y) / (width + height) * 90 + 40], -1)
        base[d < r] = rng.uniform(80, 220, 3)
        photo = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
        trimap = np.where(np.abs(d - r) < 3, 3, np.where(d < r, 1, 2)).astype(np.uint8)
        name = f"Abyssinian_{i + 1}"
        Image.fromarray(photo).save(os.path.join(images, name + ".jpg"), quality=90)
        Image.fromarray(trimap, mode="L").save(os.path.join(trimaps, name + ".png"))
        names.append(name)
    for list_file, part in (("trainval.txt", names[: count - 4]), ("test.txt", names[count - 4:])):
        with open(os.path.join(root, "annotations", list_file), "w") as f:
            f.writelines(f"{n} 1 1 1\n" for n in part)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("host")
    ap.add_argument("--quick", action="store_true", help="a few small images, only to check it works")
    ap.add_argument("--json")
    args = ap.parse_args()
    count, size, width, batch = (12, 64, 4, 4) if args.quick else (100, 256, 16, 16)
    with tempfile.TemporaryDirectory() as tmp:
        write_pet(os.path.join(tmp, "oxford-iiit-pet"), count, 500, 375, np.random.default_rng(0))
        toml = os.path.join(tmp, "pet.toml")
        with open(toml, "w") as f:
            f.write(f'name = "pet"\noutput_dir = "{tmp}/results"\noptimizers = ["adam"]\n'
                    f'[task]\nname = "semantic_segmentation"\n'
                    f'[dataset]\nname = "oxford_iiit_pet"\nroot = "{tmp}"\nimage_size = {size}\n'
                    f'validation_fraction = 0.125\n'
                    f'[model]\nname = "unet"\nwidth = {width}\n'
                    f'[training]\nepochs = 2\nbatch_size = {batch}\nseeds = [1]\nearly_stopping_patience = 0\n')
        run = subprocess.run([args.host, "run", toml], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            sys.exit(f"optbench-host run failed:\n{run.stderr}")
        metrics = glob.glob(os.path.join(tmp, "results", "pet", "*", "metrics.jsonl"))[0]
        epoch = [e for e in map(json.loads, open(metrics)) if e["type"] == "epoch"][-1]
        loader_json = os.path.join(tmp, "loader.json")
        loader = os.path.join(os.path.dirname(os.path.abspath(args.host)), "data_loader")
        subprocess.run([loader, toml, "--json", loader_json], check=True, stdout=subprocess.DEVNULL)
        pipeline = json.load(open(loader_json))
    steps = -(-(count - 4 - int(0.125 * (count - 4))) // batch)
    result = {"images": f"{count} JPEGs 500x375 -> {size}x{size}", "batch": batch, "unet_width": width,
              "workers": pipeline["workers"], "ms_per_step": 1000 * epoch["epoch_seconds"] / steps,
              "data_wait_fraction": epoch["data_wait_seconds"] / epoch["epoch_seconds"],
              "pipeline_images_per_second": pipeline["samples_per_second"]}
    print(f"U-Net (width {width}) on {result['images']}, batch {batch}, {result['workers']} data workers: "
          f"{result['ms_per_step']:.0f} ms/step, data wait {100 * result['data_wait_fraction']:.1f}% of the step "
          f"(target < 10%); the data pipeline alone decodes and augments {result['pipeline_images_per_second']:.0f} "
          "images/s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
