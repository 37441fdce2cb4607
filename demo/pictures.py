"""The demo's gallery pictures, drawn here with Pillow (no files to download or
keep): simple harbour scenes, the same bytes on every run, so a second
load_demo finds them in the library instead of adding them again."""

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

SIZE = (1200, 800)


@dataclass(frozen=True)
class DemoPicture:
    name: str
    alt_text: str
    caption: str
    credit: str
    sky: tuple[int, int, int]
    water: tuple[int, int, int]
    shape: str  # "sun", "boats" or "lighthouse"

    def jpeg(self) -> bytes:
        width, height = SIZE
        picture = Image.new("RGB", SIZE, self.sky)
        draw = ImageDraw.Draw(picture)
        horizon = int(height * 0.6)
        for y in range(horizon):  # the sky lightens towards the horizon
            shade = tuple(min(255, c + y * 60 // horizon) for c in self.sky)
            draw.line([(0, y), (width, y)], fill=shade)
        draw.rectangle([0, horizon, width, height], fill=self.water)
        for y in range(horizon + 20, height, 40):  # ripples
            draw.line([(80, y), (width - 80, y)], fill=(255, 255, 255), width=2)
        if self.shape == "sun":
            draw.ellipse([820, 140, 1020, 340], fill=(250, 205, 90))
        elif self.shape == "boats":
            for x in (220, 560, 860):
                draw.polygon(
                    [
                        (x, horizon + 70),
                        (x + 160, horizon + 70),
                        (x + 130, horizon + 120),
                        (x + 30, horizon + 120),
                    ],
                    fill=(120, 60, 40),
                )
                draw.polygon(
                    [
                        (x + 80, horizon - 90),
                        (x + 80, horizon + 65),
                        (x + 150, horizon + 65),
                    ],
                    fill=(245, 240, 230),
                )
        else:
            draw.rectangle([560, 170, 640, horizon], fill=(240, 240, 240))
            for y in range(190, horizon, 90):
                draw.rectangle([560, y, 640, y + 40], fill=(200, 40, 40))
            draw.polygon([(545, 170), (655, 170), (600, 110)], fill=(60, 60, 60))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        return buffer.getvalue()


RIVERSIDE_GALLERY = [
    DemoPicture(
        "east-bank.jpg",
        "The river's east bank at sunrise, where the cycle path will run",
        "The east bank at sunrise.",
        "Newsroom illustration",
        sky=(90, 120, 170),
        water=(40, 80, 120),
        shape="sun",
    ),
    DemoPicture(
        "quay-street-boats.jpg",
        "Fishing boats moored off Quay Street",
        "Boats off Quay Street, where 40 parking spaces will go.",
        "Newsroom illustration",
        sky=(120, 150, 190),
        water=(30, 90, 110),
        shape="boats",
    ),
    DemoPicture(
        "ferry-lighthouse.jpg",
        "The striped lighthouse beside the old ferry terminal",
        "The old ferry terminal's lighthouse, the path's northern end.",
        "Newsroom illustration",
        sky=(150, 120, 160),
        water=(50, 70, 110),
        shape="lighthouse",
    ),
]
