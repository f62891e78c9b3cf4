#!/usr/bin/python3
"""Makes the small test images that javax.imageio cannot write (WebP, CMYK JPEG).

Run with Debian's python3-pil:  /usr/bin/python3 make_images.py   (from this folder)
The Java tests recompute the same patterns, so keep the formulas in step with ImageLoaderTest.
"""
from PIL import Image


def pattern(x, y):
    # keep in step with ImageLoaderTest.pattern
    return ((x * 16) % 256, (y * 20) % 256, ((x + y) * 8) % 256)


def smooth(x, y, w, h):
    # keep in step with ImageLoaderTest.smooth
    return (round(255 * x / (w - 1)), round(255 * y / (h - 1)), round(255 * (1 - x / (w - 1))))


# lossless WebP, 16x12, exact pattern
img = Image.new("RGB", (16, 12))
img.putdata([pattern(x, y) for y in range(12) for x in range(16)])
img.save("pattern-lossless.webp", lossless=True)

# lossless WebP with alpha, 8x6: alpha = 15 + 30 * x (never 0, so the encoder keeps RGB exact)
img = Image.new("RGBA", (8, 6))
img.putdata([pattern(x, y) + (15 + 30 * x,) for y in range(6) for x in range(8)])
img.save("alpha-lossless.webp", lossless=True)

# lossy WebP, 64x48 smooth gradient
w, h = 64, 48
img = Image.new("RGB", (w, h))
img.putdata([smooth(x, y, w, h) for y in range(h) for x in range(w)])
img.save("smooth-lossy.webp", quality=95)

# CMYK JPEG without ICC profile, 32x16: left half white (no ink), right half full black ink (K)
img = Image.new("CMYK", (32, 16))
img.putdata([(0, 0, 0, 0) if x < 16 else (0, 0, 0, 255) for y in range(16) for x in range(32)])
img.save("white-black-cmyk.jpg", quality=95)

# CMYK JPEG, 32x16: left half cyan ink only, right half yellow ink only
img = Image.new("CMYK", (32, 16))
img.putdata([(255, 0, 0, 0) if x < 16 else (0, 0, 255, 0) for y in range(16) for x in range(32)])
img.save("cyan-yellow-cmyk.jpg", quality=95)
