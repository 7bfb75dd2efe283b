"""Tar and zip archives written in memory, good and malicious: for the fetch test and the archive
fuzz target's seeds."""
import io
import tarfile
import zipfile


def member(name, data=None, kind=tarfile.REGTYPE, link=""):
    """A tar entry: a file holding `data`, or a directory, link or device (kind, link target)."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    return info, (data if kind == tarfile.REGTYPE else None)


def tar_bytes(members, mode="w:gz"):
    """members: member() pairs -> the bytes of a tar archive, compressed as `mode` says."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as t:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            t.addfile(info, io.BytesIO(data) if data is not None else None)
    return out.getvalue()


def zip_bytes(files):
    """files: (name, text or bytes) pairs -> the bytes of a zip archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files:
            z.writestr(name, data)
    return out.getvalue()
