"""Small real files of each kind evidence may be (and some it may not), made in memory."""
import base64
import io
import zipfile

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


def office_file(part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML package whose [Content_Types].xml names `part` as `content_type`."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override ContentType="{content_type}" PartName="/{part}"/>'
        "</Types>"
    )
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
