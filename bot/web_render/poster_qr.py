"""The poster's QR codes, drawn as vector squares: sharp at any print size."""

from __future__ import annotations

import segno
from reportlab.lib import colors
from reportlab.platypus import Flowable


class QrCode(Flowable):
    """A QR code drawn as vector squares, with its quiet zone."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.code = segno.make(data, error="m", micro=False)
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = self.code.matrix
        border = 4
        modules = len(matrix) + 2 * border
        unit = self.size / modules
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    canvas.rect(
                        (x + border) * unit,
                        self.size - (y + border + 1) * unit,
                        unit,
                        unit,
                        stroke=0,
                        fill=1,
                    )
