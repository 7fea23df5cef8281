"""What a Word or Excel file (DOCX, XLSX: a zip archive of parts) must not be before it is kept as
evidence: encrypted, macro-enabled, or bigger unzipped than EVIDENCE_MAX_UNZIPPED_MB or of more
parts than EVIDENCE_MAX_PARTS (a "zip bomb" that inflates to gigabytes when opened).

Only the zip's central directory is read. The sizes it declares bound what opening the file can
produce: Python's zipfile, like Office, stops each part at its declared size (and fails its CRC
check if the data would go on), so a part that lies about its size cannot inflate past it."""

import io
import zipfile
from dataclasses import dataclass

# An OLE compound file (CFB): old .doc and .xls files, and every password-protected Office file,
# whose encrypted package is a stream of that name (directory names are UTF-16).
COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_ENABLED = "macroenabled"  # in the content types of .docm, .dotm, .xlsm, .xltm, .xlam

ENCRYPTED = (
    "The selected file is protected with a password, so it cannot be checked. Remove the password "
    "(in Word or Excel: File, Info, Protect), save it and upload it again"
)
MACROS = (
    "The selected file contains macros. Save it as a Word document (.docx) or Excel workbook (.xlsx) "
    "without macros and upload that"
)


@dataclass(frozen=True)
class OfficeLimits:
    max_unzipped_bytes: int
    max_parts: int

    @classmethod
    def from_config(cls, config) -> "OfficeLimits":
        return cls(int(config["EVIDENCE_MAX_UNZIPPED_MB"]) * 1024 * 1024, int(config["EVIDENCE_MAX_PARTS"]))


DEFAULT_LIMITS = OfficeLimits(max_unzipped_bytes=100 * 1024 * 1024, max_parts=1000)


def office_problem(data: bytes, limits: OfficeLimits) -> str | None:
    """Why the file cannot be kept, if it is an Office file it must not be; else None (whether it is
    a DOCX or XLSX at all is decided by its content types: service.media_type_of)."""
    if data.startswith(COMPOUND_FILE):
        return ENCRYPTED if ENCRYPTED_PACKAGE in data else None
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if any(part.flag_bits & 0x1 for part in parts):
                return ENCRYPTED
            content_types = _content_types(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return None
    if len(parts) > limits.max_parts:
        return f"The selected file has more than {limits.max_parts} parts inside, more than a document needs"
    if sum(part.file_size for part in parts) > limits.max_unzipped_bytes:
        megabytes = limits.max_unzipped_bytes // (1024 * 1024)
        return (
            f"The selected file would be larger than {megabytes} MB once opened (a Word or Excel file is "
            "compressed). Make it smaller, for example by compressing its pictures, or split it"
        )
    names = [part.filename.rsplit("/", 1)[-1].lower() for part in parts]
    if any(name in MACRO_PARTS for name in names) or MACRO_ENABLED in content_types.lower():
        return MACROS
    return None


def _content_types(archive: zipfile.ZipFile, most: int = 256 * 1024) -> str:
    try:
        with archive.open("[Content_Types].xml") as part:
            return part.read(most).decode("utf-8", errors="replace")
    except KeyError:
        return ""
