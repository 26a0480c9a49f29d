"""Draw the integration's brand images into custom_components/robin/brand/.

Our own simple design: a robin-red rounded tile with a door standing ajar and a dot for
"someone is in", and the word ROBIN in block letters (drawn from shapes, so no font is
needed). Run with the project's venv, which has Pillow: .venv/bin/python scripts/draw_brand.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = Path(__file__).resolve().parent.parent / "custom_components" / "robin" / "brand"
RED, LIGHT_RED = (229, 83, 59, 255), (240, 110, 86, 255)
WHITE, INK, PAPER = (255, 255, 255, 255), (60, 60, 60, 255), (235, 235, 235, 255)

type Box = tuple[float, float, float, float]


def draw_icon(size: int, *, dark: bool) -> Image.Image:
    """Return the square icon, drawn on a 256-unit grid scaled to `size` pixels."""
    unit = size / 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle(
        [8 * unit, 8 * unit, 248 * unit, 248 * unit],
        radius=48 * unit,
        fill=LIGHT_RED if dark else RED,
    )
    pen.rounded_rectangle(
        [70 * unit, 52 * unit, 186 * unit, 212 * unit],
        radius=10 * unit,
        outline=WHITE,
        width=int(12 * unit),
    )
    door = [(76, 58), (150, 76), (150, 196), (76, 206)]
    pen.polygon([(x * unit, y * unit) for x, y in door], fill=WHITE)
    pen.ellipse([156 * unit, 118 * unit, 180 * unit, 142 * unit], fill=WHITE)
    return image


def draw_logo(height: int, *, dark: bool) -> Image.Image:
    """Return the icon followed by the word ROBIN."""
    unit = height / 256
    icon = draw_icon(height, dark=dark)
    image = Image.new("RGBA", (int(height * 3.2), height), (0, 0, 0, 0))
    image.paste(icon, (0, 0), icon)
    pen = ImageDraw.Draw(image)
    color = PAPER if dark else INK
    top, bottom, stroke = 70 * unit, 186 * unit, 22 * unit

    def bar(box: Box) -> None:
        pen.rectangle(box, fill=color)

    x = height + 30 * unit  # R
    bar((x, top, x + stroke, bottom))
    bar((x, top, x + 80 * unit, top + stroke))
    bar((x + 80 * unit - stroke, top, x + 80 * unit, top + 60 * unit))
    bar((x, top + 50 * unit, x + 80 * unit, top + 50 * unit + stroke))
    leg = [(40, 60), (62, 60), (90, 116), (68, 116)]
    pen.polygon([(x + a * unit, top + b * unit) for a, b in leg], fill=color)
    x += 110 * unit  # O
    pen.rounded_rectangle(
        [x, top, x + 90 * unit, bottom], radius=20 * unit, outline=color, width=int(stroke)
    )
    x += 120 * unit  # B
    bar((x, top, x + stroke, bottom))
    bar((x, top, x + 70 * unit, top + stroke))
    bar((x, top + 47 * unit, x + 75 * unit, top + 47 * unit + stroke))
    bar((x, bottom - stroke, x + 80 * unit, bottom))
    bar((x + 70 * unit - stroke, top, x + 70 * unit, top + 60 * unit))
    bar((x + 80 * unit - stroke, top + 47 * unit, x + 80 * unit, bottom))
    x += 110 * unit  # I
    bar((x, top, x + stroke, bottom))
    x += 50 * unit  # N
    bar((x, top, x + stroke, bottom))
    bar((x + 80 * unit - stroke, top, x + 80 * unit, bottom))
    diagonal = [(x, top), (x + stroke + 6 * unit, top), (x + 80 * unit, bottom)]
    pen.polygon([*diagonal, (x + 80 * unit - stroke - 6 * unit, bottom)], fill=color)
    return image.crop((0, 0, int(x + 100 * unit), height))


def main() -> None:
    """Write every brand image HA and HACS look for."""
    for dark, prefix in ((False, ""), (True, "dark_")):
        draw_icon(256, dark=dark).save(BRAND / f"{prefix}icon.png")
        draw_icon(512, dark=dark).save(BRAND / f"{prefix}icon@2x.png")
        draw_logo(128, dark=dark).save(BRAND / f"{prefix}logo.png")
        draw_logo(256, dark=dark).save(BRAND / f"{prefix}logo@2x.png")


if __name__ == "__main__":
    main()
