#!/usr/bin/env python3
"""Malformed-input corpus for optbench-host: every case must be refused cleanly.

    python3 run_corpus.py OPTBENCH_HOST WORK_DIR [--show] [--only NAME[,NAME...]] [--jobs N] [--controls]

Each case is materialised into a fresh directory WORK_DIR/NAME/ and the host is run on it
(`validate CASE/experiment.toml` unless the case names another command). A case passes when
the host exits with the expected code (1: an error in a file, 2: a command-line usage error),
was not killed by a signal, printed every expected substring (stdout and stderr together) and
none of the crash markers ("terminate called", "frame #", "Segmentation").

Two kinds of cases (see README.md beside this script):

* committed cases, cases/NAME/: expect.json, and optionally experiment.toml and data/ files.
  expect.json may name a "fixture" (fixtures/FIXTURE/: a valid experiment.toml and data/),
  copied first; the case's own files are laid over it and "remove" deletes fixture files.
* generated cases, defined at the bottom of this file: binary data (gzipped IDX, CIFAR-10
  batches, JPEG/PNG) and bytes that should not sit in committed text files (invalid UTF-8,
  NUL bytes). Each writes a small valid fixture itself, then corrupts one thing.

In experiment.toml, command arguments and expected substrings, @DATA@ stands for the case's
data directory (WORK_DIR/NAME/data) and @CASE@ for its directory, both absolute (the cases run
from any directory). Data files are copied byte for byte.

--controls also checks that every fixture, unmodified, validates (exit 0): each case then
differs from a valid input by exactly the fault it describes.

Standard library only. Exits 1 if any case fails (or with fewer than MIN_CASES cases).
"""

import argparse
import concurrent.futures
import gzip
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
FIXTURES_DIR = os.path.join(HERE, "fixtures")
MIN_CASES = 50
FORBIDDEN = ("terminate called", "frame #", "Segmentation")
TIMEOUT_SECONDS = 120


# ---------------------------------------------------------------------------------------------
# Small writers for binary fixtures
# ---------------------------------------------------------------------------------------------

def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_text(path, text):
    write_bytes(path, text.encode("utf-8"))


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def idx_bytes(dims, data, element_type=0x08):
    """An IDX array: magic 00 00 TYPE NDIMS, big-endian 32-bit dimensions, then the data."""
    header = bytes([0, 0, element_type, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return header + bytes(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def png_bytes(width, height, rows, color_type=0, bit_depth=8):
    """A PNG of 8-bit gray (color_type 0) or RGB (2) rows (lists of byte values)."""
    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) +
            chunk(b"IEND", b""))


def gray_png(width, height, value_at):
    return png_bytes(width, height, [[value_at(x, y) for x in range(width)] for y in range(height)])


def jpeg_bytes(width, height):
    """A baseline grayscale JPEG, every 8x8 block flat mid-gray: one-code Huffman tables
    (DC difference 0, then end-of-block), so the scan is two zero bits per block."""
    def segment(marker, payload):
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    dqt = segment(0xDB, bytes([0x00]) + bytes([1] * 64))
    sof = segment(0xC0, bytes([8]) + struct.pack(">HH", height, width) + bytes([1, 1, 0x11, 0]))
    one_code = bytes([1] + [0] * 15) + bytes([0])  # one code of length 1 for symbol 0
    dht = segment(0xC4, bytes([0x00]) + one_code) + segment(0xC4, bytes([0x10]) + one_code)
    sos = segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = 2 * blocks
    scan = bytearray(bits // 8)
    if bits % 8:
        scan.append((1 << (8 - bits % 8)) - 1)  # pad the last byte with one bits
    return b"\xFF\xD8" + dqt + sof + dht + sos + bytes(scan) + b"\xFF\xD9"


# ---------------------------------------------------------------------------------------------
# Valid fixtures the generated cases start from
# ---------------------------------------------------------------------------------------------

IDX_SAMPLES = {"train": 6, "t10k": 4}


def experiment_toml(task, dataset, model, data_dir, extra=""):
    return (f'optimizers = ["adam"]\n\n[task]\nname = "{task}"\n\n[dataset]\nname = "{dataset}"\n'
            f'root = "{data_dir}"\n{extra}\n[model]\nname = "{model}"\n\n[training]\nepochs = 1\nbatch_size = 2\n')


def idx_images(n, rows=28, cols=28):
    return idx_bytes([n, rows, cols], [(i * 7) % 256 for i in range(n * rows * cols)])


def idx_labels(n):
    return idx_bytes([n], [i % 10 for i in range(n)])


def build_idx(case_dir, dataset="mnist", compress=True):
    """{train,t10k}-{images-idx3,labels-idx1}-ubyte(.gz): 6 training and 4 test 28x28 digits."""
    data = os.path.join(case_dir, "data")
    suffix = ".gz" if compress else ""
    for prefix, n in IDX_SAMPLES.items():
        write_bytes(os.path.join(data, f"{prefix}-images-idx3-ubyte{suffix}"),
                    gz(idx_images(n)) if compress else idx_images(n))
        write_bytes(os.path.join(data, f"{prefix}-labels-idx1-ubyte{suffix}"),
                    gz(idx_labels(n)) if compress else idx_labels(n))
    write_text(os.path.join(case_dir, "experiment.toml"),
               experiment_toml("image_classification", dataset, "cnn_scratch", data,
                               "validation_fraction = 0.5\n"))


CIFAR_FILES = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
               "data_batch_5.bin", "test_batch.bin"]


def cifar_records(n, first_label=0):
    out = bytearray()
    for r in range(n):
        out.append((first_label + r) % 10)
        out += bytes((r * 31 + i) % 256 for i in range(3072))
    return bytes(out)


def build_cifar(case_dir):
    """cifar-10-batches-bin/ with two records in each of the six batch files."""
    data = os.path.join(case_dir, "data")
    for i, name in enumerate(CIFAR_FILES):
        write_bytes(os.path.join(data, "cifar-10-batches-bin", name), cifar_records(2, first_label=i))
    write_text(os.path.join(case_dir, "experiment.toml"),
               experiment_toml("image_classification", "cifar10", "cnn_scratch", data,
                               "validation_fraction = 0.5\n"))


def trimap(x, y):  # 2 background, 1 pet, 3 its border
    d = max(abs(x - 7.5), abs(y - 7.5))
    return 1 if d < 4 else 3 if d < 5 else 2


PET_SPLITS = {"trainval.txt": ["Abyssinian_1", "Abyssinian_2", "beagle_1", "beagle_2"],
              "test.txt": ["Abyssinian_3", "beagle_3"]}


def build_pet(case_dir):
    """oxford-iiit-pet/: 16x16 JPEG images, matching trimaps, trainval.txt and test.txt."""
    root = os.path.join(case_dir, "data", "oxford-iiit-pet")
    for list_name, names in PET_SPLITS.items():
        lines = ["#Image CLASS-ID SPECIES BREED ID"]
        for name in names:
            cat = name.startswith("Abyssinian")
            lines.append(f"{name} {1 if cat else 13} {1 if cat else 2} {1 if cat else 2}")
            write_bytes(os.path.join(root, "images", name + ".jpg"), jpeg_bytes(16, 16))
            write_bytes(os.path.join(root, "annotations", "trimaps", name + ".png"), gray_png(16, 16, trimap))
        write_text(os.path.join(root, "annotations", list_name), "\n".join(lines) + "\n")
    write_text(os.path.join(case_dir, "experiment.toml"),
               experiment_toml("semantic_segmentation", "oxford_iiit_pet", "unet",
                               os.path.join(case_dir, "data"), "image_size = 16\nvalidation_fraction = 0.5\n"))


ADE_SPLITS = {"training": ["ADE_train_00000001", "ADE_train_00000002", "ADE_train_00000003",
                           "ADE_train_00000004"],
              "validation": ["ADE_val_00000001", "ADE_val_00000002"]}


def build_ade(case_dir):
    """ADEChallengeData2016/{images,annotations}/{training,validation}: 16x12 JPEGs, PNG labels 0..150."""
    root = os.path.join(case_dir, "data", "ADEChallengeData2016")
    for split, names in ADE_SPLITS.items():
        for name in names:
            write_bytes(os.path.join(root, "images", split, name + ".jpg"), jpeg_bytes(16, 12))
            write_bytes(os.path.join(root, "annotations", split, name + ".png"),
                        gray_png(16, 12, lambda x, y: (x * 12 + y) % 151))
    write_text(os.path.join(case_dir, "experiment.toml"),
               experiment_toml("semantic_segmentation", "ade20k", "unet", os.path.join(case_dir, "data"),
                               "image_size = 16\nvalidation_fraction = 0.5\n"))


def path_in(case_dir, *parts):
    return os.path.join(case_dir, "data", *parts)


# ---------------------------------------------------------------------------------------------
# Case definitions and running
# ---------------------------------------------------------------------------------------------

class Case:
    def __init__(self, name, expect, setup, origin):
        self.name = name
        self.expect = expect  # exit_code, contains, optional command
        self.setup = setup    # setup(case_dir): writes the case's files
        self.origin = origin  # where it is defined, for messages


def substitute(text, case_dir):
    return text.replace("@DATA@", os.path.join(case_dir, "data")).replace("@CASE@", case_dir)


def copy_tree(source, target):
    for dirpath, dirnames, filenames in os.walk(source):
        rel = os.path.relpath(dirpath, source)
        os.makedirs(os.path.join(target, rel), exist_ok=True)
        for name in filenames:
            if name == "expect.json":
                continue
            shutil.copyfile(os.path.join(dirpath, name), os.path.join(target, rel, name))


def use_fixture(case_dir, name):
    """fixtures/NAME copied into case_dir, its experiment file pointed at case_dir's data."""
    copy_tree(os.path.join(FIXTURES_DIR, name), case_dir)
    toml = os.path.join(case_dir, "experiment.toml")
    write_bytes(toml, read_bytes(toml).replace(b"@DATA@", path_in(case_dir).encode()))


EXPECT_KEYS = {"description", "fixture", "remove", "command", "exit_code", "contains"}


def committed_case(name):
    case_src = os.path.join(CASES_DIR, name)
    where = os.path.join("cases", name, "expect.json")
    with open(os.path.join(HERE, where), encoding="utf-8") as f:
        expect = json.load(f)
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        raise SystemExit(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; accepted: {', '.join(sorted(EXPECT_KEYS))}")
    if expect.get("exit_code") not in (1, 2):
        raise SystemExit(f"{where}: exit_code must be 1 (an error in a file) or 2 (a usage error)")
    if not isinstance(expect.get("contains"), list) or not all(isinstance(c, str) and c for c in expect["contains"]):
        raise SystemExit(f"{where}: contains must be a list of non-empty strings")

    def setup(case_dir):
        fixture = expect.get("fixture")
        if fixture:
            fixture_dir = os.path.join(FIXTURES_DIR, fixture)
            if not os.path.isdir(fixture_dir):
                raise RuntimeError(f"expect.json names fixture '{fixture}', which {fixture_dir} does not hold")
            copy_tree(fixture_dir, case_dir)
        copy_tree(case_src, case_dir)
        for rel in expect.get("remove", []):
            target = os.path.join(case_dir, "data", rel)
            if os.path.isdir(target):
                shutil.rmtree(target)
            elif os.path.exists(target):
                os.remove(target)
            else:
                raise RuntimeError(f"'remove' names {rel}, which the fixture does not hold")
        toml = os.path.join(case_dir, "experiment.toml")
        if os.path.exists(toml):  # placeholders only in the experiment file: data files stay byte-exact
            data = read_bytes(toml)
            write_bytes(toml, data.replace(b"@DATA@", os.path.join(case_dir, "data").encode())
                        .replace(b"@CASE@", case_dir.encode()))

    return Case(name, expect, setup, os.path.relpath(case_src, HERE))


GENERATED = []


def generated(name, exit_code=1, contains=(), command=None):
    """Registers a generated case: the decorated function writes the case into case_dir."""
    def register(setup):
        expect = {"exit_code": exit_code, "contains": list(contains)}
        if command:
            expect["command"] = command
        GENERATED.append(Case(name, expect, setup, f"run_corpus.py: {setup.__name__}"))
        return setup
    return register


def all_cases():
    cases = []
    if os.path.isdir(CASES_DIR):
        for name in sorted(os.listdir(CASES_DIR)):
            if os.path.isfile(os.path.join(CASES_DIR, name, "expect.json")):
                cases.append(committed_case(name))
    cases += GENERATED
    names = [c.name for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit("duplicate case names: " + ", ".join(duplicates))
    return cases


def control_cases():
    """Every fixture unmodified: must validate. Not counted as cases."""
    def committed_fixture(name):
        return lambda case_dir: use_fixture(case_dir, name)
    controls = [Case(f"control_{name}", {"exit_code": 0, "contains": ["experiment.toml: valid."]},
                     committed_fixture(name), f"fixtures/{name}") for name in sorted(os.listdir(FIXTURES_DIR))]
    for name, build in (("mnist", build_idx), ("cifar10", build_cifar), ("oxford_iiit_pet", build_pet),
                        ("ade20k", build_ade)):
        controls.append(Case(f"control_{name}", {"exit_code": 0, "contains": ["experiment.toml: valid."]},
                             build, f"run_corpus.py: {build.__name__}"))
    return controls


def host_environment():
    env = dict(os.environ)
    env.pop("OPTBENCH_PLUGIN_PATH", None)
    env["OPTBENCH_HOST_CONFIG"] = ""
    env["XDG_CONFIG_HOME"] = "/nonexistent"
    return env


def run_host(host, args, cwd):
    """Runs the host; retries briefly if the binary is missing (it may be being rebuilt)."""
    for attempt in range(30):
        try:
            return subprocess.run([host] + args, cwd=cwd, env=host_environment(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT_SECONDS)
        except OSError:  # not there (being relinked) or not executable yet
            if attempt == 29:
                raise
            time.sleep(2)


def check_case(case, host, work_dir):
    case_dir = os.path.join(work_dir, case.name)
    if os.path.exists(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    expect = case.expect
    try:
        case.setup(case_dir)
    except Exception as e:  # a broken case definition is a failure of the corpus, not of the host
        return False, f"could not set up the case ({case.origin}): {e}", ""
    command = [substitute(a, case_dir) for a in expect.get("command", ["validate", "@CASE@/experiment.toml"])]
    try:
        result = run_host(host, command, case_dir)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT_SECONDS}s", ""
    output = result.stdout.decode("utf-8", errors="replace")
    problems = []
    code = result.returncode
    if code < 0:
        problems.append(f"killed by signal {-code} ({signal.Signals(-code).name})")
    elif code >= 128:
        problems.append(f"exit code {code} (a signal?)")
    if code != expect["exit_code"]:
        problems.append(f"exit code {code}, expected {expect['exit_code']}")
    for marker in FORBIDDEN:
        if marker in output:
            problems.append(f"output contains '{marker}' (a crash)")
    for wanted in expect["contains"]:
        wanted = substitute(wanted, case_dir)
        if wanted not in output:
            problems.append(f"output lacks '{wanted}'")
    if not expect["contains"]:
        problems.append("the case expects no substring: name what the message must say")
    return not problems, "; ".join(problems), output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("host", help="path to optbench-host")
    parser.add_argument("work_dir", help="directory for the materialised cases")
    parser.add_argument("--show", action="store_true", help="print each case's command output")
    parser.add_argument("--only", help="comma-separated case names to run (a subset never passes the count)")
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 1), help="cases run at a time")
    parser.add_argument("--controls", action="store_true", help="also validate every unmodified fixture")
    args = parser.parse_args()

    host = os.path.abspath(args.host)
    work_dir = os.path.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    cases = all_cases()
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {c.name for c in cases}
        if unknown:
            raise SystemExit("unknown case(s): " + ", ".join(sorted(unknown)))
        cases = [c for c in cases if c.name in wanted]
    controls = control_cases() if args.controls else []

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: check_case(c, host, work_dir), controls + cases))
    failures = failed_controls = 0
    for i, (case, (ok, reason, output)) in enumerate(zip(controls + cases, results)):
        print(f"PASS {case.name}" if ok else f"FAIL {case.name}: {reason}")
        if args.show or (not ok and output):
            for line in output.rstrip("\n").splitlines():
                print(f"    | {line}")
        if i < len(controls):
            failed_controls += not ok
        else:
            failures += not ok
    elapsed = time.monotonic() - start
    if failed_controls:
        print(f"{failed_controls} fixture(s) do not validate unmodified: fix them first")
    if failures or failed_controls:
        print(f"{failures} of {len(cases)} case(s) failed ({elapsed:.1f}s)")
        return 1
    if len(cases) < MIN_CASES:
        print(f"only {len(cases)} case(s) ran; the corpus needs at least {MIN_CASES}")
        return 1
    print(f"all {len(cases)} cases passed ({elapsed:.1f}s)")
    return 0


# ---------------------------------------------------------------------------------------------
# Generated cases
# ---------------------------------------------------------------------------------------------

# ---- MNIST / Fashion-MNIST: IDX files, gzipped or raw ----
# The fixture: data/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz, 6 training and 4 test digits.

def mnist_file(case_dir, name):
    return path_in(case_dir, name)


@generated("idx_truncated_gzip", contains=["@DATA@/train-images-idx3-ubyte.gz", "truncated gzip"])
def idx_truncated_gzip(case_dir):
    build_idx(case_dir)
    f = mnist_file(case_dir, "train-images-idx3-ubyte.gz")
    data = read_bytes(f)
    write_bytes(f, data[: len(data) // 2])


@generated("idx_corrupt_gzip_data", contains=["@DATA@/t10k-labels-idx1-ubyte.gz", "corrupt gzip"])
def idx_corrupt_gzip_data(case_dir):
    build_idx(case_dir)
    f = mnist_file(case_dir, "t10k-labels-idx1-ubyte.gz")
    data = bytearray(read_bytes(f))
    for i in range(10, len(data) - 8):  # the deflate stream, not the header or the CRC
        data[i] ^= 0x5A
    write_bytes(f, bytes(data))


@generated("idx_wrong_magic", contains=["@DATA@/train-labels-idx1-ubyte.gz", "not an IDX file", "magic"])
def idx_wrong_magic(case_dir):
    build_idx(case_dir)
    labels = bytearray(idx_labels(IDX_SAMPLES["train"]))
    labels[0:2] = b"\x1f\x8b"  # e.g. a doubly gzipped file
    write_bytes(mnist_file(case_dir, "train-labels-idx1-ubyte.gz"), gz(bytes(labels)))


@generated("idx_wrong_element_type", contains=["@DATA@/t10k-images-idx3-ubyte.gz", "element type 0x0d",
                                                "0x08 (unsigned byte)"])
def idx_wrong_element_type(case_dir):
    build_idx(case_dir)
    n = IDX_SAMPLES["t10k"]
    write_bytes(mnist_file(case_dir, "t10k-images-idx3-ubyte.gz"),
                gz(idx_bytes([n, 28, 28], bytes(n * 28 * 28), element_type=0x0D)))


@generated("idx_count_mismatch", contains=["@DATA@/train-images-idx3-ubyte.gz", "6 images",
                                            "@DATA@/train-labels-idx1-ubyte.gz", "5 labels"])
def idx_count_mismatch(case_dir):
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "train-labels-idx1-ubyte.gz"), gz(idx_labels(5)))


@generated("idx_label_out_of_range", contains=["@DATA@/t10k-labels-idx1-ubyte.gz", "label 2 is 10", "0 to 9"])
def idx_label_out_of_range(case_dir):
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "t10k-labels-idx1-ubyte.gz"), gz(idx_bytes([4], [3, 1, 10, 2])))


@generated("idx_images_two_dimensions", contains=["@DATA@/train-images-idx3-ubyte.gz", "3-dimensional",
                                                   "got 2 dimensions"])
def idx_images_two_dimensions(case_dir):
    build_idx(case_dir)
    n = IDX_SAMPLES["train"]
    write_bytes(mnist_file(case_dir, "train-images-idx3-ubyte.gz"), gz(idx_bytes([n, 784], bytes(n * 784))))


@generated("idx_labels_two_dimensions", contains=["@DATA@/t10k-labels-idx1-ubyte.gz", "1-dimensional",
                                                   "got 2 dimensions"])
def idx_labels_two_dimensions(case_dir):
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "t10k-labels-idx1-ubyte.gz"), gz(idx_bytes([4, 1], [1, 2, 3, 4])))


@generated("idx_zero_dimensions", contains=["@DATA@/train-labels-idx1-ubyte.gz", "declares 0 dimensions",
                                             "1 to 4"])
def idx_zero_dimensions(case_dir):
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "train-labels-idx1-ubyte.gz"), gz(bytes([0, 0, 8, 0])))


@generated("idx_raw_truncated", contains=["@DATA@/train-images-idx3-ubyte", "promises 4704 data bytes",
                                           "holds 4000", "truncated"])
def idx_raw_truncated(case_dir):
    build_idx(case_dir, compress=False)
    f = mnist_file(case_dir, "train-images-idx3-ubyte")
    write_bytes(f, read_bytes(f)[: 16 + 4000])


@generated("idx_trailing_data", contains=["@DATA@/t10k-labels-idx1-ubyte.gz", "promises 4 data bytes",
                                           "holds 7", "trailing data"])
def idx_trailing_data(case_dir):
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "t10k-labels-idx1-ubyte.gz"), gz(idx_labels(4) + b"\x01\x02\x03"))


@generated("idx_truncated_header", contains=["@DATA@/t10k-images-idx3-ubyte.gz", "truncated IDX header"])
def idx_truncated_header(case_dir):
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "t10k-images-idx3-ubyte.gz"), gz(idx_images(4)[:9]))


@generated("idx_empty_file", contains=["@DATA@/train-labels-idx1-ubyte.gz", "shorter than the 4-byte magic"])
def idx_empty_file(case_dir):
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "train-labels-idx1-ubyte.gz"), b"")


@generated("idx_missing_labels", contains=["missing data file", "@DATA@/t10k-labels-idx1-ubyte.gz"])
def idx_missing_labels(case_dir):
    build_idx(case_dir)
    os.remove(mnist_file(case_dir, "t10k-labels-idx1-ubyte.gz"))


@generated("idx_zero_rows", contains=["@DATA@/train-images-idx3-ubyte.gz"])
def idx_zero_rows(case_dir):
    """Images of 0 x 28 pixels: a well-formed IDX header describing no pixels at all."""
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "train-images-idx3-ubyte.gz"), gz(idx_bytes([6, 0, 28], b"")))


@generated("idx_image_size_differs_between_splits",
           contains=["@DATA@/t10k-images-idx3-ubyte.gz", "@DATA@/train-images-idx3-ubyte.gz"])
def idx_image_size_differs_between_splits(case_dir):
    """Test images of 14x14 while the training images are 28x28."""
    build_idx(case_dir)
    write_bytes(mnist_file(case_dir, "t10k-images-idx3-ubyte.gz"), gz(idx_images(4, 14, 14)))


@generated("fashion_mnist_no_samples", contains=["@DATA@/train-images-idx3-ubyte"])
def fashion_mnist_no_samples(case_dir):
    """Fashion-MNIST (raw IDX files) whose training files hold zero images and zero labels."""
    build_idx(case_dir, dataset="fashion_mnist", compress=False)
    write_bytes(mnist_file(case_dir, "train-images-idx3-ubyte"), idx_bytes([0, 28, 28], b""))
    write_bytes(mnist_file(case_dir, "train-labels-idx1-ubyte"), idx_bytes([0], b""))


@generated("fashion_mnist_missing_root", contains=["Fashion-MNIST", "@DATA@/fashion", "does not exist"])
def fashion_mnist_missing_root(case_dir):
    build_idx(case_dir, dataset="fashion_mnist")
    toml = os.path.join(case_dir, "experiment.toml")
    write_text(toml, read_bytes(toml).decode().replace(f'root = "{path_in(case_dir)}"',
                                                       f'root = "{path_in(case_dir, "fashion")}"'))


@generated("idx_dimension_overflow", contains=["@DATA@/train-images-idx3-ubyte.gz"])
def idx_dimension_overflow(case_dir):
    """Dimensions 2^22 x 2^21 x 2^21, whose product (2^64) wraps around to 0 in 64 bits, and no data;
    the labels file agrees (2^22 zero labels, 4 KB gzipped)."""
    build_idx(case_dir)
    n = 1 << 22
    write_bytes(mnist_file(case_dir, "train-images-idx3-ubyte.gz"), gz(idx_bytes([n, 1 << 21, 1 << 21], b"")))
    write_bytes(mnist_file(case_dir, "train-labels-idx1-ubyte.gz"), gz(idx_bytes([n], bytes(n))))


# ---- CIFAR-10: binary batches of 3073-byte records ----
# The fixture: data/cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin, two records each.

def cifar_file(case_dir, name):
    return path_in(case_dir, "cifar-10-batches-bin", name)


@generated("cifar10_size_not_multiple", contains=["@DATA@/cifar-10-batches-bin/data_batch_3.bin", "6000 bytes",
                                                   "3073 bytes each"])
def cifar10_size_not_multiple(case_dir):
    build_cifar(case_dir)
    f = cifar_file(case_dir, "data_batch_3.bin")
    write_bytes(f, read_bytes(f)[:6000])


@generated("cifar10_label_out_of_range", contains=["@DATA@/cifar-10-batches-bin/test_batch.bin",
                                                    "record 1 has label 12", "0 to 9"])
def cifar10_label_out_of_range(case_dir):
    build_cifar(case_dir)
    f = cifar_file(case_dir, "test_batch.bin")
    data = bytearray(read_bytes(f))
    data[3073] = 12
    write_bytes(f, bytes(data))


@generated("cifar10_missing_batch", contains=["missing data file", "@DATA@/cifar-10-batches-bin/data_batch_4.bin"])
def cifar10_missing_batch(case_dir):
    build_cifar(case_dir)
    os.remove(cifar_file(case_dir, "data_batch_4.bin"))


@generated("cifar10_empty_batch", contains=["@DATA@/cifar-10-batches-bin/data_batch_1.bin", "size 0 bytes"])
def cifar10_empty_batch(case_dir):
    build_cifar(case_dir)
    write_bytes(cifar_file(case_dir, "data_batch_1.bin"), b"")


@generated("cifar10_python_pickle_batch", contains=["@DATA@/cifar-10-batches-bin/data_batch_2.bin",
                                                     "not a whole number of CIFAR-10 records"])
def cifar10_python_pickle_batch(case_dir):
    """A batch from the Python version of CIFAR-10 (a pickle) where the binary version belongs."""
    build_cifar(case_dir)
    write_bytes(cifar_file(case_dir, "data_batch_2.bin"),
                b"\x80\x02}q\x00(X\x05\x00\x00\x00batch_labelq\x01" + bytes(1000) + b".")


# ---- Oxford-IIIT Pet: images/*.jpg, annotations/trimaps/*.png, annotations/{trainval,test}.txt ----

def pet_file(case_dir, *parts):
    return path_in(case_dir, "oxford-iiit-pet", *parts)


@generated("pet_corrupt_jpeg", contains=["@DATA@/oxford-iiit-pet/images/beagle_1.jpg", "corrupt JPEG",
                                          "Huffman table"])
def pet_corrupt_jpeg(case_dir):
    """A JPEG whose first Huffman table (DHT) claims 510 codes in a 20-byte segment."""
    build_pet(case_dir)
    f = pet_file(case_dir, "images", "beagle_1.jpg")
    data = bytearray(read_bytes(f))
    dht = data.index(b"\xFF\xC4")
    data[dht + 5] = data[dht + 6] = 0xFF  # the counts of codes of lengths 1 and 2
    write_bytes(f, bytes(data))


@generated("pet_truncated_jpeg_header", contains=["@DATA@/oxford-iiit-pet/images/Abyssinian_3.jpg", "corrupt JPEG"])
def pet_truncated_jpeg_header(case_dir):
    """A JPEG cut off inside its headers, before the frame header gives the size."""
    build_pet(case_dir)
    f = pet_file(case_dir, "images", "Abyssinian_3.jpg")
    write_bytes(f, read_bytes(f)[:40])


@generated("pet_image_not_an_image", contains=["@DATA@/oxford-iiit-pet/images/Abyssinian_2.jpg",
                                                "not a JPEG or PNG image", "a GIF image"])
def pet_image_not_an_image(case_dir):
    build_pet(case_dir)
    write_bytes(pet_file(case_dir, "images", "Abyssinian_2.jpg"), b"GIF89a\x10\x00\x10\x00\x00\x00\x00;")


@generated("pet_mask_size_mismatch", contains=["@DATA@/oxford-iiit-pet/annotations/trimaps/beagle_2.png",
                                                "12x16 does not match its image",
                                                "@DATA@/oxford-iiit-pet/images/beagle_2.jpg", "16x16"])
def pet_mask_size_mismatch(case_dir):
    build_pet(case_dir)
    write_bytes(pet_file(case_dir, "annotations", "trimaps", "beagle_2.png"), gray_png(12, 16, trimap))


@generated("pet_corrupt_png_mask", contains=["@DATA@/oxford-iiit-pet/annotations/trimaps/Abyssinian_1.png",
                                              "corrupt PNG"])
def pet_corrupt_png_mask(case_dir):
    """A trimap whose IHDR chunk fails its CRC."""
    build_pet(case_dir)
    f = pet_file(case_dir, "annotations", "trimaps", "Abyssinian_1.png")
    data = bytearray(read_bytes(f))
    data[29] ^= 0xFF  # the last byte of IHDR's CRC
    write_bytes(f, bytes(data))


@generated("pet_missing_mask", contains=["@DATA@/oxford-iiit-pet/annotations/trimaps/beagle_3.png", "cannot open"])
def pet_missing_mask(case_dir):
    build_pet(case_dir)
    os.remove(pet_file(case_dir, "annotations", "trimaps", "beagle_3.png"))


@generated("pet_missing_list_file", contains=["Oxford-IIIT Pet", "@DATA@/oxford-iiit-pet/annotations/test.txt",
                                               "does not exist"])
def pet_missing_list_file(case_dir):
    build_pet(case_dir)
    os.remove(pet_file(case_dir, "annotations", "test.txt"))


@generated("pet_bad_list_line", contains=["@DATA@/oxford-iiit-pet/annotations/trainval.txt:3:",
                                           "NAME CLASS-ID SPECIES BREED-ID"])
def pet_bad_list_line(case_dir):
    build_pet(case_dir)
    f = pet_file(case_dir, "annotations", "trainval.txt")
    lines = read_bytes(f).decode().split("\n")
    lines[2] = "Abyssinian_2 one 1 1"
    write_text(f, "\n".join(lines))


@generated("pet_empty_list_file", contains=["@DATA@/oxford-iiit-pet/annotations/trainval.txt", "lists no images"])
def pet_empty_list_file(case_dir):
    build_pet(case_dir)
    write_text(pet_file(case_dir, "annotations", "trainval.txt"), "#Image CLASS-ID SPECIES BREED ID\n")


@generated("pet_mask_is_jpeg", contains=["@DATA@/oxford-iiit-pet/annotations/trimaps/beagle_1.png", "PNG"])
def pet_mask_is_jpeg(case_dir):
    """A trimap holding JPEG data (its header says so); label images must be PNG."""
    build_pet(case_dir)
    write_bytes(pet_file(case_dir, "annotations", "trimaps", "beagle_1.png"), jpeg_bytes(16, 16))


# ---- ADE20K: ADEChallengeData2016/{images,annotations}/{training,validation} ----

def ade_file(case_dir, *parts):
    return path_in(case_dir, "ADEChallengeData2016", *parts)


@generated("ade20k_mask_size_mismatch",
           contains=["@DATA@/ADEChallengeData2016/annotations/validation/ADE_val_00000002.png",
                     "16x16 does not match its image",
                     "@DATA@/ADEChallengeData2016/images/validation/ADE_val_00000002.jpg", "16x12"])
def ade20k_mask_size_mismatch(case_dir):
    build_ade(case_dir)
    write_bytes(ade_file(case_dir, "annotations", "validation", "ADE_val_00000002.png"),
                gray_png(16, 16, lambda x, y: 1))


@generated("ade20k_missing_annotation",
           contains=["@DATA@/ADEChallengeData2016/annotations/training/ADE_train_00000003.png", "cannot open"])
def ade20k_missing_annotation(case_dir):
    build_ade(case_dir)
    os.remove(ade_file(case_dir, "annotations", "training", "ADE_train_00000003.png"))


@generated("ade20k_missing_validation_dir",
           contains=["ADE20K", "@DATA@/ADEChallengeData2016/images/validation"])
def ade20k_missing_validation_dir(case_dir):
    build_ade(case_dir)
    shutil.rmtree(ade_file(case_dir, "images", "validation"))


@generated("ade20k_empty_jpeg", contains=["@DATA@/ADEChallengeData2016/images/training/ADE_train_00000002.jpg",
                                           "an empty file"])
def ade20k_empty_jpeg(case_dir):
    build_ade(case_dir)
    write_bytes(ade_file(case_dir, "images", "training", "ADE_train_00000002.jpg"), b"")


@generated("ade20k_truncated_png", contains=["@DATA@/ADEChallengeData2016/annotations/training/ADE_train_00000004.png",
                                              "corrupt PNG"])
def ade20k_truncated_png(case_dir):
    """A label PNG cut off inside its IHDR chunk."""
    build_ade(case_dir)
    f = ade_file(case_dir, "annotations", "training", "ADE_train_00000004.png")
    write_bytes(f, read_bytes(f)[:20])


# ---- Bytes that should not sit in committed text files: invalid UTF-8, NUL ----


@generated("toml_invalid_utf8", contains=["@CASE@/experiment.toml:2:", "invalid TOML", "utf-8"])
def toml_invalid_utf8(case_dir):
    """An experiment file saved as Latin-1: 'café' with a lone 0xE9 byte in a string on line 2."""
    use_fixture(case_dir, "sst2")
    toml = os.path.join(case_dir, "experiment.toml")
    write_bytes(toml, b'# Latin-1 bytes below\nname = "caf\xe9"\n' + read_bytes(toml))


@generated("toml_nul_byte", contains=["@CASE@/experiment.toml:", "invalid TOML"])
def toml_nul_byte(case_dir):
    """A NUL byte inside the experiment file."""
    use_fixture(case_dir, "sst2")
    toml = os.path.join(case_dir, "experiment.toml")
    write_bytes(toml, read_bytes(toml).replace(b"epochs = 1", b"epochs = 1\x00", 1))


@generated("toml_utf16", contains=["@CASE@/experiment.toml:1:", "invalid TOML"])
def toml_utf16(case_dir):
    """An experiment file saved as UTF-16 (with its byte-order mark)."""
    use_fixture(case_dir, "sst2")
    toml = os.path.join(case_dir, "experiment.toml")
    write_bytes(toml, read_bytes(toml).decode().encode("utf-16"))


@generated("sst2_invalid_utf8", contains=["@DATA@/train.tsv:4:", "UTF-8"])
def sst2_invalid_utf8(case_dir):
    """SST-2 train.tsv with a Latin-1 byte (0xE9) on line 4."""
    use_fixture(case_dir, "sst2")
    f = path_in(case_dir, "train.tsv")
    lines = read_bytes(f).split(b"\n")
    lines[3] = b"caf\xe9 " + lines[3]
    write_bytes(f, b"\n".join(lines))


@generated("wikitext2_nul_byte", contains=["@DATA@/wikitext-2/wiki.train.tokens:3:", "NUL byte"])
def wikitext2_nul_byte(case_dir):
    use_fixture(case_dir, "wikitext2")
    f = path_in(case_dir, "wikitext-2", "wiki.train.tokens")
    lines = read_bytes(f).split(b"\n")
    lines[2] = b"\x00\x00\x00" + lines[2]
    write_bytes(f, b"\n".join(lines))


@generated("europarl_invalid_utf8", contains=["@DATA@/europarl-v7.de-en.de:6:", "UTF-8"])
def europarl_invalid_utf8(case_dir):
    """Europarl German side with a truncated two-byte sequence (0xC3 without its continuation) on line 6."""
    use_fixture(case_dir, "europarl")
    f = path_in(case_dir, "europarl-v7.de-en.de")
    lines = read_bytes(f).split(b"\n")
    lines[5] = lines[5] + b" gr\xc3"
    write_bytes(f, b"\n".join(lines))


@generated("squad_deeply_nested_json", contains=["@DATA@/train-v1.1.json", "data[0].paragraphs"])
def squad_deeply_nested_json(case_dir):
    """SQuAD train-v1.1.json whose "data" is 100000 nested arrays (a parser or destructor that recurses
    would overflow the stack)."""
    use_fixture(case_dir, "squad")
    n = 100000
    write_bytes(path_in(case_dir, "train-v1.1.json"), b'{"data": ' + b"[" * n + b"]" * n + b"}")


@generated("score_bleu_invalid_utf8", command=["score", "bleu", "--hyp", "@CASE@/hyp.txt", "--ref", "@CASE@/ref.txt"],
           contains=["@CASE@/hyp.txt", "UTF-8"])
def score_bleu_invalid_utf8(case_dir):
    """score bleu on a hypothesis file with a Latin-1 byte (0xE9) on line 2."""
    write_bytes(os.path.join(case_dir, "hyp.txt"), b"the cat sees the mouse .\nthe caf\xe9 is open .\n")
    write_bytes(os.path.join(case_dir, "ref.txt"), b"the cat sees a mouse .\nthe cafe is open .\n")


@generated("squad_invalid_utf8", contains=["@DATA@/dev-v1.1.json", "UTF-8"])
def squad_invalid_utf8(case_dir):
    """SQuAD dev-v1.1.json with an invalid byte (0xFF) inside a context string."""
    use_fixture(case_dir, "squad")
    f = path_in(case_dir, "dev-v1.1.json")
    write_bytes(f, read_bytes(f).replace(b"lives in", b"lives \xff in", 1))



if __name__ == "__main__":
    sys.exit(main())
