"""Draw the player's icon (player/static/icon.svg, on its 64-unit grid) as a Windows .ico file."""

import sys

from PIL import Image, ImageDraw

SIZES = [16, 24, 32, 48, 64, 128, 256]
BLUE, WHITE, GOLD = "#0b5cad", "#ffffff", "#f5a623"
SCALE = 16  # drawn at 1024 pixels (16 per unit), then scaled down for smooth edges


def draw() -> Image.Image:
    image = Image.new("RGBA", (64 * SCALE, 64 * SCALE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def at(*points):
        return [(x * SCALE, y * SCALE) for x, y in points]

    pen.rounded_rectangle((0, 0, 64 * SCALE - 1, 64 * SCALE - 1), radius=14 * SCALE, fill=BLUE)
    pen.polygon(at((12, 24), (32, 14), (52, 24), (32, 34)), fill=WHITE)  # the mortarboard
    pen.polygon(at((20, 30), (20, 40), (23, 45), (32, 48), (41, 45), (44, 40), (44, 30), (32, 36)), fill=WHITE)
    pen.line(at((50, 25), (50, 39)), fill=GOLD, width=3 * SCALE)  # the tassel
    pen.ellipse(at((48.5, 23.5), (51.5, 26.5)), fill=GOLD)
    pen.ellipse(at((47, 38), (53, 44)), fill=GOLD)
    return image


def main(out: str) -> None:
    draw().resize((256, 256), Image.LANCZOS).save(out, format="ICO", sizes=[(size, size) for size in SIZES])


if __name__ == "__main__":
    main(sys.argv[1])
