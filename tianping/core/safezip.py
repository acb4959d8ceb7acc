"""A guard for ZIP-based uploads (.docx, .xlsx) to run BEFORE any reader opens them.

A "zip bomb" is a small file whose entries expand to gigabytes; python-docx and
openpyxl would expand (and hold) them. ``check_zip`` reads only the central directory
(names and declared sizes) and refuses an archive that would expand too far, has too
many entries, an implausible compression ratio, or entries named with absolute paths
or ``..``. Python's zipfile never inflates an entry beyond its declared size (a lying
header ends in a CRC error), so checking the declared sizes is enough.

    check_zip(data_or_path, where, error=TianpingError)   raises error(Chinese message, where)
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tianping.core.errors import Location, TianpingError

MAX_UNPACKED = 200 * 2**20      # all entries together
MAX_ENTRY = 100 * 2**20         # one entry (document.xml, a worksheet)
MAX_ENTRIES = 10_000
MAX_RATIO = 200                 # expansion of one entry larger than 1 MB (real Office XML: 5–30)


def check_zip(source: bytes | str | Path, where: Location | None = None, error: type[TianpingError] = TianpingError,
              max_unpacked: int = MAX_UNPACKED, max_entry: int = MAX_ENTRY) -> None:
    """Refuse a ZIP archive that would expand beyond the limits; does not inflate anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
            infos = z.infolist()
    except Exception:  # BadZipFile, NotImplementedError (bogus version), OSError, ValueError …
        return  # not a ZIP at all: the reader itself says the file is broken, in its own words
    if len(infos) > MAX_ENTRIES:
        raise error(f"文件内部包含{len(infos)}个部件，超过上限{MAX_ENTRIES}，疑似恶意构造，拒绝读取", where)
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/"):
            raise error(f"文件内部部件名“{info.filename[:80]}”含非法路径，拒绝读取", where)
        total += info.file_size
        if info.file_size > max_entry:
            raise error(f"文件内部部件“{info.filename[:80]}”解压后为{info.file_size / 2**20:.0f} MB，"
                        f"超过上限{max_entry / 2**20:.0f} MB，拒绝读取（疑似压缩炸弹）", where)
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise error(f"文件内部部件“{info.filename[:80]}”压缩比异常（{info.file_size // max(info.compress_size, 1)}倍），"
                        "拒绝读取（疑似压缩炸弹）", where)
    if total > max_unpacked:
        raise error(f"文件解压后共{total / 2**20:.0f} MB，超过上限{max_unpacked / 2**20:.0f} MB，拒绝读取", where)
