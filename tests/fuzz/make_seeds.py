#!/usr/bin/env python3
"""Seed inputs for each fuzz target: valid files of its format (the bad-input corpus' fixtures,
the shipped experiments and sources file) and its malformed cases, each target in its own
directory. Binary formats are written with the corpus' own writers.

usage: make_seeds.py SEEDS_DIR
"""
import glob
import io
import os
import shutil
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
BAD_INPUTS = os.path.join(SOURCE, "tests", "bad_inputs")
sys.path.insert(0, BAD_INPUTS)
import run_corpus as corpus  # noqa: E402


def fixture_files(dataset, pattern="**/*"):
    return [p for p in glob.glob(os.path.join(BAD_INPUTS, "fixtures", dataset, "data", pattern), recursive=True)
            if os.path.isfile(p)]


def tar(members, mode):
    """members: (name, type, bytes or link target) -> a tar archive, compressed as `mode` says."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as t:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.REGTYPE:
                info.size = len(payload)
                t.addfile(info, io.BytesIO(payload))
            else:
                info.linkname = payload
                t.addfile(info)
    return out.getvalue()


def zipped(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files:
            z.writestr(name, data)
    return out.getvalue()


def archives():
    good = [("d", tarfile.DIRTYPE, ""), ("d/a.txt", tarfile.REGTYPE, b"a\n"), ("d/l", tarfile.SYMTYPE, "a.txt"),
            ("d/h", tarfile.LNKTYPE, "d/a.txt")]
    return {"good.tar": tar(good, "w"), "good.tar.gz": tar(good, "w:gz"), "good.tar.bz2": tar(good, "w:bz2"),
            "good.tar.xz": tar(good, "w:xz"), "good.zip": zipped([("z/a.txt", "a\n"), ("z/b/c.txt", "c\n")]),
            "dotdot.tar": tar([("d/../../x", tarfile.REGTYPE, b"x")], "w"),
            "absolute.tar": tar([("/tmp/x", tarfile.REGTYPE, b"x")], "w"),
            "link_up.tar": tar([("d/up", tarfile.SYMTYPE, ".."), ("d/up/x", tarfile.REGTYPE, b"x")], "w"),
            "hardlink_out.tar": tar([("d/h", tarfile.LNKTYPE, "../x")], "w"),
            "zip_dotdot.zip": zipped([("../x", "x")])}


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
