#!/usr/bin/env python3
"""`optbench-host data fetch` against an HTTP server on 127.0.0.1 (started here): good files and
archives, a download cut short then resumed with a range request, a server that ignores ranges,
a wrong checksum, a file larger than published, a dead mirror, damaged archives, and malicious
archives (absolute paths, '..', links out, device files) that must be refused with nothing
extracted; and MNIST-format files fetched, then trained on by the host. Also checks the built-in
sources file against ../shared/reference/dataset_checksums.tsv.

usage: fetch_test.py OPTBENCH_HOST SOURCE_DIR WORK_DIR
"""
import base64
import hashlib
import http.server
import os
import random
import shutil
import subprocess
import sys
import tarfile
import threading
import tomllib
import unittest

HOST, SOURCE_DIR, WORK_DIR = sys.argv[1:4]
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "bad_inputs"))
import run_corpus as corpus  # noqa: E402  (its IDX writers and host environment)
from archive_files import member, tar_bytes, zip_bytes  # noqa: E402


BIG = bytes(range(256)) * 4096  # 1 MiB, to cut short
GOOD_TAR = tar_bytes([member("corpus", kind=tarfile.DIRTYPE), member("corpus/train.txt", b"train\n"),
                   member("corpus/sub/test.txt", b"test\n"),
                   member("corpus/latest", kind=tarfile.SYMTYPE, link="train.txt"),
                   member("corpus/copy.txt", kind=tarfile.LNKTYPE, link="corpus/train.txt")])
GOOD_ZIP = zip_bytes([("zipped/a.txt", "a\n"), ("zipped/b/c.txt", "c\n")])
GOOD_FIRST = [member("corpus/fine.txt", b"fine\n")]  # before the bad entry: must not be left behind
MALICIOUS = {
    "absolute": tar_bytes(GOOD_FIRST + [member("/tmp/optbench-fetch-evil.txt", b"x")]),
    "dotdot": tar_bytes(GOOD_FIRST + [member("corpus/../../evil.txt", b"x")]),
    "symlink_absolute": tar_bytes(GOOD_FIRST + [member("corpus/passwd", kind=tarfile.SYMTYPE, link="/etc/passwd")]),
    "symlink_up": tar_bytes(GOOD_FIRST + [member("corpus/up", kind=tarfile.SYMTYPE, link="../.."),
                                       member("corpus/up/evil.txt", b"x")]),
    "hardlink_out": tar_bytes(GOOD_FIRST + [member("corpus/shadow", kind=tarfile.LNKTYPE, link="../../evil.txt")]),
    "device": tar_bytes(GOOD_FIRST + [member("corpus/null", kind=tarfile.CHRTYPE)]),
    "zip_dotdot": zip_bytes([("zipped/fine.txt", "fine\n"), ("../evil.txt", "x")]),
}
# Cut in the middle of its second file, and published as it is: the download checks out, the archive does not.
NOISE = random.Random(0).randbytes(1 << 20)
DAMAGED_TAR = tar_bytes(GOOD_FIRST + [member("corpus/noise.bin", NOISE)])[: len(NOISE) // 2]

# Found by tests/fuzz/archive_fuzzer: a damaged zip for which libarchive gives no message (a crash).
DAMAGED_ZIP = base64.b64decode("UEsDBBQAAAAAAAlHeF0HoerdAgAAAAIAAAAHAAAAei9hLnR4dGEKUDlLAwQUAAAAAAAJR3hdhcPc7wAABwAA"
                               "AAAAAAAAAAAAgAECAAIAbAAAAFAAAAAAAA==")

FILES = {"/damaged.zip": DAMAGED_ZIP, "/big.bin": BIG, "/corpus.tar.gz": GOOD_TAR, "/zipped.zip": GOOD_ZIP, "/list.txt": b"one\ntwo\n",
         "/damaged.tar.gz": DAMAGED_TAR}
FILES.update({"/%s.archive" % k: v for k, v in MALICIOUS.items()})
# MNIST as published: gzip-compressed IDX files, 6 training and 4 test digits.
MNIST = {"/train-images-idx3-ubyte.gz": corpus.gz(corpus.idx_images(6)),
         "/train-labels-idx1-ubyte.gz": corpus.gz(corpus.idx_labels(6)),
         "/t10k-images-idx3-ubyte.gz": corpus.gz(corpus.idx_images(4)),
         "/t10k-labels-idx1-ubyte.gz": corpus.gz(corpus.idx_labels(4))}
FILES.update(MNIST)


class Server(http.server.ThreadingHTTPServer):
    cut_short = True    # /cut/...: the first half, then the connection closes
    requests = []       # (path, Range header)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Range")))
        mode, _, name = self.path[1:].partition("/")
        data = FILES.get("/" + name)
        if data is None:
            self.send_error(404)
            return
        if mode == "cut" and self.server.cut_short:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        start = 0
        ranged = self.headers.get("Range")
        if ranged and mode != "norange":
            start = int(ranged.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        try:
            self.wfile.write(data[start:])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should (a response it refuses)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class FetchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def setUp(self):
        self.dir = os.path.join(WORK_DIR, self.id().split(".")[-1])
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.root = os.path.join(self.dir, "root")
        Server.requests = []
        Server.cut_short = True

    def sources(self, datasets):
        """datasets: {name: [file table as a dict]} -> a sources file."""
        lines = []
        for name, files in datasets.items():
            lines += ["[%s]" % name, 'root = "unused"']
            for f in files:
                lines.append("[[%s.files]]" % name)
                for key, value in f.items():
                    if isinstance(value, bool):
                        lines.append("%s = %s" % (key, "true" if value else "false"))
                    elif isinstance(value, int):
                        lines.append("%s = %d" % (key, value))
                    elif isinstance(value, float):
                        lines.append("%s = %r" % (key, value))
                    elif isinstance(value, list):
                        lines.append("%s = [%s]" % (key, ", ".join('"%s"' % v for v in value)))
                    else:
                        lines.append('%s = "%s"' % (key, value))
        path = os.path.join(self.dir, "sources.toml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def file(self, served, name=None, data=None, mode="ok", **extra):
        data = FILES[served] if data is None else data
        entry = {"name": name or served.lstrip("/"), "urls": ["%s/%s%s" % (self.url, mode, served)],
                 "bytes": len(data), "sha256": sha256(data)}
        entry.update(extra)
        return entry

    def fetch(self, sources, name="x", root=None):
        return subprocess.run([HOST, "data", "fetch", name, "--root", root or self.root, "--sources", sources],
                              capture_output=True, text=True, timeout=120)

    def assertFails(self, result, *phrases):
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("Sanitizer", result.stderr)
        for phrase in phrases:
            self.assertIn(phrase, result.stderr)

    def tree(self, top):
        found = []
        for d, dirs, files in os.walk(top):
            found += [os.path.relpath(os.path.join(d, n), top) for n in dirs + files]
        return sorted(found)

    def read(self, *parts):
        with open(os.path.join(self.root, *parts), "rb") as f:
            return f.read()

    def test_good_files_are_downloaded_checked_and_extracted_once(self):
        src = self.sources({"x": [self.file("/corpus.tar.gz", extract=True), self.file("/zipped.zip", extract=True),
                                  self.file("/list.txt", into="lists", mode="ok")]})
        r = self.fetch(src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read("corpus", "train.txt"), b"train\n")
        self.assertEqual(self.read("corpus", "sub", "test.txt"), b"test\n")
        self.assertEqual(os.readlink(os.path.join(self.root, "corpus", "latest")), "train.txt")
        self.assertEqual(os.stat(os.path.join(self.root, "corpus", "copy.txt")).st_ino,
                         os.stat(os.path.join(self.root, "corpus", "train.txt")).st_ino)
        self.assertEqual(self.read("zipped", "b", "c.txt"), b"c\n")
        self.assertEqual(self.read("lists", "list.txt"), b"one\ntwo\n")
        self.assertEqual(self.read("corpus.tar.gz"), GOOD_TAR)
        self.assertFalse([p for p in self.tree(self.root) if ".part" in p or ".extracting" in p])
        # Again: everything is checked where it is, nothing downloaded or extracted again.
        Server.requests = []
        r = self.fetch(src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(Server.requests, [])
        self.assertIn("already extracted", r.stdout)

    def test_a_cut_download_resumes_with_a_range_request(self):
        src = self.sources({"x": [self.file("/big.bin", mode="cut")]})
        r = self.fetch(src)
        self.assertFails(r, "run again to resume")
        part = os.path.join(self.root, "big.bin.part")
        self.assertEqual(os.path.getsize(part), len(BIG) // 2)
        self.assertFalse(os.path.exists(os.path.join(self.root, "big.bin")))
        Server.cut_short = False
        r = self.fetch(src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(Server.requests[-1], ("/cut/big.bin", "bytes=%d-" % (len(BIG) // 2)))
        self.assertEqual(self.read("big.bin"), BIG)
        self.assertFalse(os.path.exists(part))

    def test_a_server_that_ignores_ranges_is_read_from_the_start(self):
        os.makedirs(self.root)
        with open(os.path.join(self.root, "big.bin.part"), "wb") as f:
            f.write(BIG[:1000])
        r = self.fetch(self.sources({"x": [self.file("/big.bin", mode="norange")]}))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read("big.bin"), BIG)

    def test_a_wrong_checksum_is_refused_and_deleted(self):
        wrong = self.file("/big.bin")
        wrong["sha256"] = sha256(b"something else")
        r = self.fetch(self.sources({"x": [wrong]}))
        self.assertFails(r, "cannot download big.bin", "SHA-256 is %s, expected %s" % (sha256(BIG), wrong["sha256"]))
        self.assertEqual(self.tree(self.root), [])

    def test_md5_is_checked_where_only_md5_is_published(self):
        entry = self.file("/list.txt")
        del entry["sha256"]
        entry["md5"] = hashlib.md5(b"not the list").hexdigest()
        r = self.fetch(self.sources({"x": [entry]}))
        self.assertFails(r, "MD5 is %s" % hashlib.md5(FILES["/list.txt"]).hexdigest())
        entry["md5"] = hashlib.md5(FILES["/list.txt"]).hexdigest()
        r = self.fetch(self.sources({"x": [entry]}))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_more_bytes_than_published_stops_the_download(self):
        entry = self.file("/big.bin", bytes=1000)
        r = self.fetch(self.sources({"x": [entry]}))
        self.assertFails(r, "sent more than the 1000 bytes expected")
        self.assertEqual(self.tree(self.root), [])

    def test_a_dead_mirror_falls_through_to_the_next(self):
        entry = self.file("/list.txt")
        entry["urls"] = [self.url + "/ok/missing.txt", "http://127.0.0.1:1/list.txt"] + entry["urls"]
        r = self.fetch(self.sources({"x": [entry]}))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read("list.txt"), FILES["/list.txt"])
        entry["urls"] = entry["urls"][:2]
        shutil.rmtree(self.root)
        r = self.fetch(self.sources({"x": [entry]}))
        self.assertFails(r, "/ok/missing.txt: The requested URL returned error: 404", "127.0.0.1:1/list.txt: ")

    def test_a_damaged_archive_leaves_nothing_extracted(self):
        r = self.fetch(self.sources({"x": [self.file("/damaged.tar.gz", extract=True)]}))
        self.assertFails(r, "damaged.tar.gz: entry 'corpus/noise.bin': the archive is damaged or truncated")
        self.assertEqual(self.tree(self.root), ["damaged.tar.gz"])
        shutil.rmtree(self.root)
        r = self.fetch(self.sources({"x": [self.file("/damaged.zip", extract=True)]}))
        self.assertFails(r, "damaged.zip: the archive is damaged or truncated")
        self.assertEqual(self.tree(self.root), ["damaged.zip"])

    def test_malicious_archives_are_refused_with_nothing_extracted(self):
        expected = {
            "absolute": "entry '/tmp/optbench-fetch-evil.txt' is refused: an absolute path",
            "dotdot": "entry 'corpus/../../evil.txt' is refused: a '..' part",
            "symlink_absolute": "a symbolic link to '/etc/passwd', an absolute path",
            "symlink_up": "a symbolic link to '../..', a '..' part",
            "hardlink_out": "a hard link to '../../evil.txt', a '..' part",
            "device": "entry 'corpus/null' is refused: only files, directories and links",
            "zip_dotdot": "entry '../evil.txt' is refused: a '..' part",
        }
        for case, message in expected.items():
            with self.subTest(case):
                root = os.path.join(self.dir, case, "a", "b")
                served = "/%s.archive" % case
                r = self.fetch(self.sources({"x": [self.file(served, extract=True)]}), root=root)
                self.assertFails(r, message)
                self.assertEqual(self.tree(os.path.join(self.dir, case)),
                                 ["a", "a/b", "a/b/" + served.lstrip("/")])
        self.assertFalse(os.path.exists("/tmp/optbench-fetch-evil.txt"))

    def test_files_in_the_way_are_not_overwritten(self):
        os.makedirs(os.path.join(self.root, "corpus"))
        r = self.fetch(self.sources({"x": [self.file("/corpus.tar.gz", extract=True)]}))
        self.assertFails(r, "corpus already exists", "remove it and run again")
        self.assertEqual(self.tree(self.root), ["corpus", "corpus.tar.gz"])
        with open(os.path.join(self.root, "corpus.tar.gz"), "wb") as f:
            f.write(b"my own file")
        r = self.fetch(self.sources({"x": [self.file("/corpus.tar.gz", extract=True)]}))
        self.assertFails(r, "corpus.tar.gz is there but is not the published file: it has 11 bytes")

    def test_bad_sources_files_and_names_are_reported(self):
        entry = self.file("/list.txt")
        cases = [
            (dict(entry, sha265=entry["sha256"]), "unknown key 'sha265' in [[x.files]]; did you mean 'sha256'?"),
            ({k: v for k, v in entry.items() if k != "sha256"}, "needs one checksum, sha256 or md5"),
            (dict(entry, name="../list.txt"), "'../list.txt' is not a plain file name"),
            (dict(entry, into="/etc"), "into: '/etc' must be a relative path below the root"),
            (dict(entry, urls=["file:///etc/passwd"]), "'file:///etc/passwd' is not an http:// or https:// URL"),
            (dict(entry, sha256="ABC"), "sha256: expected 64 lower-case hex digits"),
            (dict(entry, bytes=9e38), "bytes: expected a positive integer"),  # was undefined behaviour (fuzzing)
        ]
        for table, message in cases:
            with self.subTest(message):
                src = self.sources({"x": [table]})
                r = self.fetch(src)
                self.assertFails(r, src + ":", message)
        r = self.fetch(self.sources({"x": [entry]}), name="y")
        self.assertFails(r, "no data source named 'y'")
        self.assertEqual(r.returncode, 2)

    def test_a_fetched_dataset_trains(self):
        r = self.fetch(self.sources({"mnist": [self.file(name) for name in MNIST]}), name="mnist")
        self.assertEqual(r.returncode, 0, r.stderr)
        experiment = os.path.join(self.dir, "experiment.toml")
        with open(experiment, "w") as f:
            f.write(corpus.experiment_toml("image_classification", "mnist", "cnn_scratch", self.root,
                                           "validation_fraction = 0.5\n"))
        run = subprocess.run([HOST, "run", experiment, "--output-dir", os.path.join(self.dir, "results")],
                             env=corpus.host_environment(), capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("data: ", run.stdout)

    def test_built_in_sources_agree_with_the_shared_reference(self):
        built_in = os.path.join(os.path.dirname(HOST), "..", "share", "optbench", "data_sources.toml")
        with open(built_in, "rb") as f:
            sources = tomllib.load(f)
        reference = os.path.join(SOURCE_DIR, "..", "shared", "reference", "dataset_checksums.tsv")
        by_file = {}
        with open(reference) as f:
            next(f)
            for line in f:
                columns = line.rstrip("\n").split("\t")
                url, size, md5, sha = columns[1].split(" ")[0], columns[2], columns[3], columns[4]
                by_file.setdefault(url.rsplit("/", 1)[-1], []).append((size, md5, sha))
        checked = 0
        for name, source in sources.items():
            for f in source.get("files", []):
                basename = f["urls"][0].rsplit("/", 1)[-1]
                rows = by_file.get(basename) or by_file.get(f["name"])
                self.assertTrue(rows, "%s: %s is not in %s" % (name, f["name"], reference))
                matches = [r for r in rows if (f.get("sha256") or f.get("md5")) in (r[1], r[2])]
                self.assertTrue(matches, "%s: the checksum of %s differs from the reference" % (name, f["name"]))
                if "bytes" in f:
                    self.assertEqual(str(f["bytes"]), matches[0][0], "%s: size of %s" % (name, f["name"]))
                checked += 1
        self.assertGreaterEqual(checked, 25)
        listing = subprocess.run([HOST, "data", "list"], capture_output=True, text=True)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertEqual(len(listing.stdout.splitlines()), len(sources) + 1)


if __name__ == "__main__":
    os.makedirs(WORK_DIR, exist_ok=True)
    unittest.main(argv=[sys.argv[0], "-v"])
