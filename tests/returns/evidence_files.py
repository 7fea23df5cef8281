"""Small real files of each kind evidence may be (and some it may not), made in memory."""

import base64
import functools
import io
import struct
import zipfile
import zlib

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# A 1×1 PNG and a 1×1 JPEG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////"
    "////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)
TEXT = b"Name: A child\nDate of birth: 01/02/2015\n"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100
OLD_WORD_DOCUMENT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACROS_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _content_types(part: str, content_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override ContentType="{content_type}" PartName="/{part}"/>'
        "</Types>"
    )


def office_file(part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML package whose [Content_Types].xml names `part` as `content_type`."""
    content_types = _content_types(part, content_type)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office_file("word/document.xml", WORD_MAIN)
XLSX = office_file("xl/workbook.xml", EXCEL_MAIN)
DOCM = office_file("word/document.xml", WORD_MACROS_MAIN)


def plain_zip() -> bytes:
    """A zip with an Office-looking folder but no content types: not a document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    return buffer.getvalue()


PLAIN_ZIP = plain_zip()


def padded_pdf(size: int) -> bytes:
    """A PDF of exactly `size` bytes."""
    return PDF + b"%" * (size - len(PDF))


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _zip_of(members: list[tuple[str, int, int, bytes]]) -> bytes:
    """A zip archive, written byte by byte, of (name, size, crc32, raw deflate stream) members."""
    local, central = io.BytesIO(), io.BytesIO()
    for name, size, crc, stream in members:
        encoded = name.encode()
        offset = local.tell()
        local.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded), 0))
        local.write(encoded + stream)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(stream),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    directory = central.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), local.tell(), 0)
    return local.getvalue() + directory + end


@functools.cache
def inflating_docx(megabytes: int = 512) -> bytes:
    """A real DOCX of about half a megabyte with a part of `megabytes` MB of zeros (a "zip bomb"):
    the deflate stream of one megabyte, flushed, repeats exactly, so it is built without
    compressing the whole part."""
    megabyte = b"\0" * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(megabyte, crc)
    stream = block * megabytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    members = [
        (name, len(data), zlib.crc32(data), _deflated(data))
        for name, data in (
            ("[Content_Types].xml", _content_types("word/document.xml", WORD_MAIN).encode()),
            ("word/document.xml", b"<document/>"),
        )
    ]
    return _zip_of([*members, ("word/media/image1.bin", megabytes << 20, crc, stream)])


def encrypted_office_file() -> bytes:
    """What Office writes for a password-protected DOCX or XLSX: an OLE compound file whose
    directory holds the EncryptionInfo and EncryptedPackage streams (names in UTF-16)."""
    header = OLD_WORD_DOCUMENT[:8] + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 480
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return header + directory + b"\x5a" * 4096


ENCRYPTED_DOCX = encrypted_office_file()
XLSM = office_file(
    "xl/workbook.xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"},
)
DOCX_WITH_MACROS = office_file("word/document.xml", WORD_MAIN, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
MANY_PARTS_XLSX = office_file(
    "xl/workbook.xml", EXCEL_MAIN, {f"xl/worksheets/sheet{n}.xml": b"<x/>" for n in range(1001)}
)


def zip_encrypted_docx() -> bytes:
    """A DOCX whose parts are flagged as zip-encrypted (general purpose flag bit 0)."""
    data = bytearray(DOCX)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + flag_offset] |= 0x1
            start = found + 4
    return bytes(data)
