"""Build real zip bombs quickly: a deflate stream of N MiB of zeros made by repeating one
fully-flushed compressed MiB (each block is independent after Z_FULL_FLUSH), with the
true CRC and sizes, so an unguarded reader really would inflate N MiB."""

from __future__ import annotations

import struct
import zlib

MIB = 1 << 20


def _deflated_zeros(mib: int) -> tuple[bytes, int]:
    chunk = b"\0" * MIB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty final block
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return one * mib + tail, crc


def zip_archive(entries: list[tuple[str, bytes | int]]) -> bytes:
    """entries: (name, bytes stored deflated) or (name, N) for N MiB of zeros (< 4 GiB)."""
    out, central = bytearray(), bytearray()
    for name, content in entries:
        if isinstance(content, int):
            data, crc = _deflated_zeros(content)
            size = content * MIB
        else:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data, crc, size = c.compress(content) + c.flush(), zlib.crc32(content), len(content)
        raw = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(raw), 0) + raw
        out += data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def docx_bomb(mib: int = 2048) -> bytes:
    return zip_archive([("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", mib)])


def xlsx_bomb(mib: int = 2048) -> bytes:
    return zip_archive([("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", b"<workbook/>"),
                        ("xl/worksheets/sheet1.xml", mib)])
