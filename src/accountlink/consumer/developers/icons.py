"""Reading an uploaded icon: PNG, JPEG or WebP, at most 256 KB, told apart by their bytes, never by
the file's name or the type the browser claims."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_ICON_BYTES = 256 * 1024


class IconError(StrEnum):
    TOO_LARGE = "icon.too_large"
    NOT_AN_IMAGE = "icon.not_an_image"


MESSAGES: dict[IconError, Promise] = {
    IconError.TOO_LARGE: _("The icon is too large. Choose an image of 256 KB or less."),
    IconError.NOT_AN_IMAGE: _("The icon must be a PNG, JPEG or WebP image."),
}


class IconRefused(ValueError):
    def __init__(self, code: IconError) -> None:
        self.code = code
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


@dataclass(frozen=True)
class Icon:
    content_type: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _is_png(data: bytes) -> bool:
    # The signature, then an IHDR chunk of 13 bytes with a width and height, and an IEND chunk at the end.
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR" or len(data) < 45:
        return False
    width, height = struct.unpack(">II", data[16:24])
    return width > 0 and height > 0 and data[-8:-4] == b"IEND"


def _is_jpeg(data: bytes) -> bool:
    # Start of image, a marker segment after it, and the end-of-image marker.
    return len(data) > 8 and data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00").endswith(b"\xff\xd9")


def _is_webp(data: bytes) -> bool:
    # A RIFF container of type WEBP whose size matches, holding a VP8, VP8L or VP8X chunk.
    if len(data) < 20 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    size = struct.unpack("<I", data[4:8])[0]
    return size + 8 in (len(data), len(data) - 1) and data[12:16] in (b"VP8 ", b"VP8L", b"VP8X")


KINDS = (("image/png", _is_png), ("image/jpeg", _is_jpeg), ("image/webp", _is_webp))


def read_icon(upload: IO[bytes]) -> Icon:
    """The icon in an uploaded file, or ``IconRefused``."""
    data = upload.read(MAX_ICON_BYTES + 1)
    if len(data) > MAX_ICON_BYTES:
        raise IconRefused(IconError.TOO_LARGE)
    for content_type, looks_right in KINDS:
        if looks_right(data):
            return Icon(content_type, data)
    raise IconRefused(IconError.NOT_AN_IMAGE)
