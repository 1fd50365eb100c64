"""QrEncoder on the qrcode package (its PNGs are drawn by Pillow)."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage

from yimen.ports_documents import QrEncoder


class QrcodeEncoder(QrEncoder):
    def modules(self, text: str) -> list[list[bool]]:
        # A fixed mask is a valid code and skips the 8-way mask search (most of the QR encoding time).
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
        code.add_data(text)
        code.make(fit=True)
        return code.get_matrix()

    def png(self, text: str) -> bytes:
        image = qrcode.make(text, box_size=10, border=4, image_factory=PilImage)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
