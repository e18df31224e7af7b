"""Draw the product images of the demo catalog.

Reads ``products.toml`` next to this script and draws, with Pillow only, one simple
illustration per product into ``images/NAME.png`` (480x480 pixels): a soft background,
a pot, and a silhouette that fits the product's first category:

- cacti: a rounded column with arms
- succulents: a rosette of leaves
- houseplants: a fan of leaves on stems
- pots: just the pot, bigger
- gifts: a mug, a card or a wrapped box
- giftcards: a card

All colours come from a hash of the product name (plus a few keywords such as
"terracotta"), so every run produces exactly the same files.  Run it from the
repository root:

    .venv/bin/python content/products/make_images.py
"""

import colorsys
import hashlib
import math
import sys
import tomllib
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 480  # final image size in pixels
SCALE = 2  # draw at twice the size, then shrink: smooth edges
COLOURS = 64  # palette size of the saved PNG

# Pot colours for products whose name says what colour they are.
POT_KEYWORDS = {
    "terracotta": (196, 98, 62),
    "creme": (238, 226, 198),
    "sage": (150, 172, 132),
    "blue": (36, 56, 112),
    "concrete": (176, 176, 170),
    "macrame": (232, 222, 200),
    "self-watering": (70, 74, 80),
}


class Colours:
    """Colours derived from a hash of the product name."""

    def __init__(self, name):
        self.digest = hashlib.sha512(name.encode("utf-8")).digest()  # 64 bytes

    def number(self, index, low, high):
        """A number between low and high, taken from byte ``index`` of the hash."""
        return low + self.digest[index] / 255 * (high - low)

    def hsv(self, index, hues, saturation, value):
        hue = self.number(index, *hues) % 1.0
        r, g, b = colorsys.hsv_to_rgb(hue, saturation, value)
        return (round(r * 255), round(g * 255), round(b * 255))

    def background(self):
        return self.hsv(0, (0.0, 1.0), self.number(1, 0.10, 0.20), 0.96)

    def pot(self, name):
        for keyword, colour in POT_KEYWORDS.items():
            if keyword in name:
                return colour
        return self.hsv(2, (0.0, 1.0), self.number(3, 0.30, 0.55), self.number(4, 0.65, 0.88))

    def green(self):
        return self.hsv(5, (0.24, 0.42), self.number(6, 0.45, 0.70), self.number(7, 0.45, 0.68))

    def accent(self):
        """A flower or ribbon colour: pinks, reds, oranges and yellows."""
        return self.hsv(8, (-0.08, 0.15), 0.55, 0.95)


def shade(colour, factor):
    """Darker (factor < 1) or lighter (factor > 1) version of a colour."""
    if factor <= 1:
        return tuple(round(c * factor) for c in colour)
    return tuple(round(c + (255 - c) * (factor - 1)) for c in colour)


class Canvas:
    """ImageDraw with coordinates in final pixels (0-480), drawn at SCALE."""

    def __init__(self, background):
        self.image = Image.new("RGB", (SIZE * SCALE, SIZE * SCALE), background)
        self.draw = ImageDraw.Draw(self.image)

    def _box(self, x0, y0, x1, y1):
        return [x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE]

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=1):
        self.draw.ellipse(
            self._box(x0, y0, x1, y1), fill=fill, outline=outline, width=width * SCALE
        )

    def rounded(self, x0, y0, x1, y1, radius, fill):
        self.draw.rounded_rectangle(self._box(x0, y0, x1, y1), radius * SCALE, fill=fill)

    def polygon(self, points, fill):
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=fill)

    def line(self, points, fill, width):
        self.draw.line(
            [(x * SCALE, y * SCALE) for x, y in points],
            fill=fill,
            width=width * SCALE,
            joint="curve",
        )

    def result(self):
        return self.image.resize((SIZE, SIZE), Image.LANCZOS)


def leaf(cx, cy, length, width, angle, pointed=True):
    """Polygon of a leaf starting at (cx, cy) and pointing in direction ``angle`` (radians)."""
    points = []
    steps = 24
    for i in range(steps * 2):
        t = i / steps if i < steps else 2 - i / steps  # along the leaf, out and back
        side = 1 if i < steps else -1
        profile = math.sin(math.pi * t) ** (1.3 if pointed else 0.6)
        along, across = t * length, side * profile * width / 2
        points.append(
            (
                cx + along * math.cos(angle) - across * math.sin(angle),
                cy + along * math.sin(angle) + across * math.cos(angle),
            )
        )
    return points


def draw_pot(canvas, colour, cx, top, width, height, pattern=0):
    """A trapezoid pot with a rim; ``pattern`` 1 adds a band, 2 adds dots."""
    bottom_width = width * 0.74
    canvas.ellipse(
        cx - width * 0.62,
        top + height - 14,
        cx + width * 0.62,
        top + height + 14,
        fill=shade(canvas_background(canvas), 0.86),
    )
    canvas.polygon(
        [
            (cx - width / 2, top),
            (cx + width / 2, top),
            (cx + bottom_width / 2, top + height),
            (cx - bottom_width / 2, top + height),
        ],
        fill=colour,
    )
    # a darker right-hand side suggests roundness
    canvas.polygon(
        [
            (cx + width * 0.22, top),
            (cx + width / 2, top),
            (cx + bottom_width / 2, top + height),
            (cx + bottom_width * 0.22, top + height),
        ],
        fill=shade(colour, 0.88),
    )
    rim = height * 0.2
    canvas.rounded(
        cx - width / 2 - 8, top - rim, cx + width / 2 + 8, top, 5, fill=shade(colour, 0.93)
    )
    if pattern == 1:
        y = top + height * 0.45
        canvas.polygon(
            [
                (cx - width * 0.45, y),
                (cx + width * 0.45, y),
                (cx + width * 0.44, y + 14),
                (cx - width * 0.44, y + 14),
            ],
            fill=shade(colour, 1.35),
        )
    elif pattern == 2:
        for row, columns in enumerate(([-2, -1, 0, 1, 2], [-1.5, -0.5, 0.5, 1.5])):
            for col in columns:
                x = cx + col * width * 0.14
                y = top + height * (0.4 + row * 0.25)
                canvas.ellipse(x - 5, y - 5, x + 5, y + 5, fill=shade(colour, 1.45))


def canvas_background(canvas):
    return canvas.image.getpixel((0, 0))


def draw_cactus(canvas, colours, cx, base):
    green = colours.green()
    height = colours.number(10, 150, 200)
    body = 36
    # arms: (side, height of the elbow, length of the upright part)
    arms = [
        (-1, colours.number(11, 0.35, 0.55), colours.number(12, 40, 70)),
        (1, colours.number(13, 0.45, 0.65), colours.number(14, 30, 60)),
    ]
    for side, elbow, length in arms:
        y = base - height * elbow
        x_out = cx + side * (body + 34)
        canvas.rounded(min(cx, x_out) - 2, y - 16, max(cx, x_out) + 2, y + 16, 16, fill=green)
        canvas.rounded(x_out - 17, y - length, x_out + 17, y + 16, 17, fill=green)
    canvas.rounded(cx - body, base - height, cx + body, base + 10, body, fill=green)
    # ribs and spines
    light = shade(green, 1.3)
    for offset in (-16, 0, 16):
        canvas.line(
            [(cx + offset, base - height + 22), (cx + offset, base - 6)],
            fill=shade(green, 0.82),
            width=2,
        )
    for i in range(7):
        y = base - height + 30 + i * (height - 40) / 7
        for offset in (-26, -8, 8, 26):
            canvas.line([(cx + offset - 3, y - 3), (cx + offset + 3, y + 3)], fill=light, width=1)
    if colours.digest[15] % 2:  # some cacti flower
        flower = colours.accent()
        for k in range(6):
            a = k * math.pi / 3
            canvas.ellipse(
                cx + 12 * math.cos(a) - 9,
                base - height - 6 + 12 * math.sin(a) - 9,
                cx + 12 * math.cos(a) + 9,
                base - height - 6 + 12 * math.sin(a) + 9,
                fill=flower,
            )
        canvas.ellipse(cx - 6, base - height - 12, cx + 6, base - height, fill=(250, 220, 120))


def draw_rosette(canvas, colours, cx, base):
    green = shade(colours.green(), 1.15)
    centre_y = base - 50
    rings = [
        (11, 120, 48, 0.0, 0.85),
        (8, 90, 42, 0.3, 1.0),
        (6, 58, 34, 0.1, 1.18),
        (4, 30, 22, 0.6, 1.35),
    ]
    for count, length, width, turn, light in rings:
        leaves = []
        for i in range(count):
            angle = 2 * math.pi * i / count + turn
            leaves.append((math.sin(angle), angle))
        # leaves at the back first; the rosette is seen slightly from above
        for depth, angle in sorted(leaves):
            points = leaf(0, 0, length, width, angle, pointed=True)
            points = [(cx + x, centre_y + y * 0.55 - (1 - depth) * 6) for x, y in points]
            colour = shade(green, light * (0.92 + 0.08 * depth))
            canvas.polygon(points, fill=colour)
    tip = colours.accent()
    canvas.ellipse(cx - 6, centre_y - 10, cx + 6, centre_y + 2, fill=shade(tip, 0.9))


def draw_houseplant(canvas, colours, cx, base):
    green = colours.green()
    count = 5 + colours.digest[20] % 3
    for i in range(count):
        spread = (i / (count - 1) - 0.5) * 2  # -1 .. 1
        angle = -math.pi / 2 + spread * colours.number(21, 0.8, 1.1)
        stem = colours.number(22 + i, 90, 170) * (1 - 0.25 * abs(spread))
        x = cx + stem * math.cos(angle) * 0.7
        y = base - 10 + stem * math.sin(angle)
        canvas.line(
            [(cx, base), (cx + (x - cx) * 0.3, y + (base - y) * 0.45), (x, y)],
            fill=shade(green, 0.8),
            width=4,
        )
        length = colours.number(30 + i, 80, 120)
        width = length * colours.number(29, 0.45, 0.7)
        leaf_colour = shade(green, 0.9 + 0.2 * ((i % 2) == 0))
        canvas.polygon(leaf(x, y, length, width, angle + spread * 0.25), fill=leaf_colour)
        tip = (
            x + length * math.cos(angle + spread * 0.25) * 0.85,
            y + length * math.sin(angle + spread * 0.25) * 0.85,
        )
        canvas.line([(x, y), tip], fill=shade(leaf_colour, 1.25), width=2)


def draw_mug(canvas, colour, cx, base):
    canvas.ellipse(
        cx - 120, base - 12, cx + 120, base + 16, fill=shade(canvas_background(canvas), 0.86)
    )
    canvas.ellipse(cx + 50, base - 150, cx + 140, base - 50, outline=colour, width=22)
    canvas.rounded(cx - 95, base - 200, cx + 85, base, 28, fill=colour)
    canvas.ellipse(cx - 95, base - 214, cx + 85, base - 186, fill=shade(colour, 0.75))
    # a little cactus on the mug
    green = (92, 140, 96)
    canvas.rounded(cx - 22, base - 150, cx + 8, base - 50, 15, fill=green)
    canvas.rounded(cx - 52, base - 120, cx - 30, base - 80, 11, fill=green)
    canvas.rounded(cx - 48, base - 92, cx - 10, base - 80, 6, fill=green)


def draw_card(canvas, colour, cx, base):
    canvas.ellipse(
        cx - 150, base - 12, cx + 150, base + 16, fill=shade(canvas_background(canvas), 0.86)
    )
    # envelope behind, card in front, slightly tilted
    canvas.polygon(
        [
            (cx - 150, base - 20),
            (cx + 120, base - 50),
            (cx + 140, base - 220),
            (cx - 130, base - 190),
        ],
        fill=(214, 186, 140),
    )
    canvas.polygon(
        [
            (cx - 110, base - 10),
            (cx + 130, base - 10),
            (cx + 130, base - 300),
            (cx - 110, base - 300),
        ],
        fill=(250, 248, 242),
    )
    canvas.polygon(
        [
            (cx - 90, base - 30),
            (cx + 110, base - 30),
            (cx + 110, base - 280),
            (cx - 90, base - 280),
        ],
        fill=shade(colour, 1.4),
    )
    green = (92, 140, 96)
    canvas.rounded(cx - 10, base - 220, cx + 30, base - 70, 20, fill=green)
    canvas.rounded(cx - 50, base - 180, cx - 22, base - 120, 14, fill=green)
    canvas.rounded(cx - 46, base - 134, cx, base - 120, 7, fill=green)
    canvas.ellipse(cx - 2, base - 236, cx + 22, base - 212, fill=colour)


def draw_box(canvas, colour, ribbon, cx, base):
    canvas.ellipse(
        cx - 150, base - 12, cx + 150, base + 16, fill=shade(canvas_background(canvas), 0.86)
    )
    canvas.rounded(cx - 120, base - 200, cx + 120, base, 6, fill=colour)
    canvas.rounded(cx - 132, base - 236, cx + 132, base - 190, 6, fill=shade(colour, 0.9))
    canvas.rounded(cx - 16, base - 236, cx + 16, base, 2, fill=ribbon)
    canvas.polygon(
        [(cx, base - 236), (cx - 70, base - 290), (cx - 80, base - 240)], fill=shade(ribbon, 0.9)
    )
    canvas.polygon(
        [(cx, base - 236), (cx + 70, base - 290), (cx + 80, base - 240)], fill=shade(ribbon, 0.9)
    )
    canvas.ellipse(cx - 16, base - 252, cx + 16, base - 222, fill=ribbon)


def draw_product(product):
    name = product["name"]
    colours = Colours(name)
    canvas = Canvas(colours.background())
    category = product["categories"][0]
    pot_colour = colours.pot(name)
    if category == "pots":
        draw_pot(canvas, pot_colour, 240, 170, 270, 230, pattern=colours.digest[9] % 3)
    elif category == "giftcards":
        draw_card(canvas, colours.hsv(2, (0.0, 1.0), 0.45, 0.8), 240, 390)
    elif category == "gifts":
        gift_colour = colours.hsv(2, (0.0, 1.0), 0.45, 0.8)
        if "mug" in name:
            draw_mug(canvas, gift_colour, 240, 380)
        elif "card" in name or "booklet" in name:
            draw_card(canvas, gift_colour, 240, 390)
        else:
            draw_box(canvas, gift_colour, colours.accent(), 240, 390)
    else:
        plant = {"cacti": draw_cactus, "succulents": draw_rosette, "houseplants": draw_houseplant}[
            category
        ]
        plant(canvas, colours, 240, 300)
        draw_pot(canvas, pot_colour, 240, 300, 190, 120, pattern=colours.digest[9] % 3)
    return canvas.result()


def main():
    data = tomllib.loads((HERE / "products.toml").read_text(encoding="utf-8"))
    out = HERE / "images"
    out.mkdir(exist_ok=True)
    total = 0
    for product in data["product"]:
        image = draw_product(product).quantize(COLOURS)
        path = out / product["image"]
        image.save(path, optimize=True)
        total += path.stat().st_size
    sys.stdout.write(f"{len(data['product'])} images, {total / 1024:.0f} KB in {out}\n")


if __name__ == "__main__":
    main()
