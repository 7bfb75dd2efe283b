#!/usr/bin/env python3
"""Seed inputs for each fuzz target: valid files of its format (the bad-input corpus' fixtures,
the shipped experiments and sources file) and its malformed cases, each target in its own
directory. Binary formats are written with the corpus' own writers, archives with the fetch
test's (tests/fetch/archive_files.py).

usage: make_seeds.py SEEDS_DIR
"""
import glob
import os
import shutil
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
BAD_INPUTS = os.path.join(SOURCE, "tests", "bad_inputs")
sys.path.insert(0, BAD_INPUTS)
sys.path.insert(0, os.path.join(SOURCE, "tests", "fetch"))
import run_corpus as corpus  # noqa: E402
from archive_files import member, tar_bytes, zip_bytes  # noqa: E402


def fixture_files(dataset, pattern="**/*"):
    return [p for p in glob.glob(os.path.join(BAD_INPUTS, "fixtures", dataset, "data", pattern), recursive=True)
            if os.path.isfile(p)]


def archives():
    good = [member("d", kind=tarfile.DIRTYPE), member("d/a.txt", b"a\n"),
            member("d/l", kind=tarfile.SYMTYPE, link="a.txt"), member("d/h", kind=tarfile.LNKTYPE, link="d/a.txt")]
    return {"good.tar": tar_bytes(good, "w"), "good.tar.gz": tar_bytes(good, "w:gz"),
            "good.tar.bz2": tar_bytes(good, "w:bz2"), "good.tar.xz": tar_bytes(good, "w:xz"),
            "good.zip": zip_bytes([("z/a.txt", "a\n"), ("z/b/c.txt", "c\n")]),
            "dotdot.tar": tar_bytes([member("d/../../x", b"x")], "w"),
            "absolute.tar": tar_bytes([member("/tmp/x", b"x")], "w"),
            "link_up.tar": tar_bytes([member("d/up", kind=tarfile.SYMTYPE, link=".."), member("d/up/x", b"x")], "w"),
            "hardlink_out.tar": tar_bytes([member("d/h", kind=tarfile.LNKTYPE, link="../x")], "w"),
            "zip_dotdot.zip": zip_bytes([("../x", "x")])}


def main(seeds):
    shutil.rmtree(seeds, ignore_errors=True)
    copied = {
        "experiment": glob.glob(os.path.join(SOURCE, "experiments", "*.toml")) +
                      glob.glob(os.path.join(BAD_INPUTS, "**", "*.toml"), recursive=True) +
                      [os.path.join(HERE, "experiment_seed.toml")],
        "data_sources": [os.path.join(SOURCE, "core", "data", "sources.toml")],
        "sentiment": fixture_files("sst2"),
        "qa": fixture_files("squad") + fixture_files("tweet_qa"),
        "tagging": fixture_files("conll2003") + fixture_files("wikiann"),
        "seq2seq": fixture_files("iwslt14") + fixture_files("europarl") + fixture_files("cnn_dailymail") +
                   fixture_files("aeslc"),
        "wordpiece": fixture_files("sst2") + [os.path.join(HERE, "vocab_seed.txt")],
    }
    for target, files in copied.items():
        os.makedirs(os.path.join(seeds, target))
        for i, path in enumerate(files):
            shutil.copy(path, os.path.join(seeds, target, "%03d_%s" % (i, os.path.basename(path))))
    written = {
        "idx": {"images": corpus.idx_images(2, 4, 4), "labels": corpus.idx_labels(3),
                "images.gz": corpus.gz(corpus.idx_images(2, 4, 4))},
        "cifar": {"two_records.bin": corpus.cifar_records(2)},
        "archive": archives(),
        "image": {"gray.png": corpus.gray_png(5, 3, lambda x, y: x + y),
                  "rgb.png": corpus.png_bytes(2, 2, [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]], color_type=2),
                  "gray.jpg": corpus.jpeg_bytes(16, 8)},
    }
    for target, files in written.items():
        for name, data in files.items():
            corpus.write_bytes(os.path.join(seeds, target, name), data)


if __name__ == "__main__":
    main(sys.argv[1])
