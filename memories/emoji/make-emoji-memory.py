#!/usr/bin/env python3
"""Builds vimi's embedded default memory: Noto emoji images joined with Emojibase labels and tags.

Inputs are two npm packages (fetched with `npm pack` unless given):
  emoji-datasource-google  64px PNGs of Google's Noto Emoji (images Apache-2.0, data MIT)
  emojibase-data           English labels and tags of every emoji (MIT)

Output (into OUT, by default memories/emoji/src/main/resources/dev/vimi/memory/emoji):
  pairs.jsonl   one image-text pair per line, sorted by Emojibase order:
                {"id": "emoji-1f436", "caption": "dog face", "keywords": ["adorbs", "animal", ...],
                 "image": "images/1f436.png", "emoji": "🐶", "group": "animals-nature", "subgroup": "animal-mammal"}
                (the vimi JSONL memory format; "emoji", "group", "subgroup" are extra fields readers ignore)
  images/       the PNGs the pairs name, byte-for-byte as in the npm package
  LICENSE-*, NOTICE, README.md

Only emoji without a skin-tone modifier are kept (about 1,900 pairs, about 6 MB); the script is
deterministic, so running it again on the same package versions gives identical files.

Usage: make-emoji-memory.py [--google TGZ] [--emojibase TGZ] [--out DIR]
Needs: python3 (standard library only), and npm if the tarballs are not given.
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

GOOGLE_PKG = "emoji-datasource-google@16.0.0"
EMOJIBASE_PKG = "emojibase-data@17.0.0"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "src", "main", "resources", "dev", "vimi", "memory", "emoji")
APACHE_2 = "/usr/share/common-licenses/Apache-2.0"


def npm_pack(spec, workdir):
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, check=True, capture_output=True, text=True)
    return os.path.join(workdir, out.stdout.strip().splitlines()[-1])


def members(tgz):
    return tarfile.open(tgz, "r:gz")


def read(tar, name):
    return tar.extractfile(tar.getmember(name)).read()


def norm(hexcode):
    """Hexcode without variation selectors, upper case: the join key of the two packages."""
    return "-".join(p for p in hexcode.upper().split("-") if p != "FE0F")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--google", help="emoji-datasource-google .tgz (default: npm pack " + GOOGLE_PKG + ")")
    ap.add_argument("--emojibase", help="emojibase-data .tgz (default: npm pack " + EMOJIBASE_PKG + ")")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="vimi-emoji-")
    try:
        google = args.google or npm_pack(GOOGLE_PKG, work)
        emojibase = args.emojibase or npm_pack(EMOJIBASE_PKG, work)
        g = members(google)
        b = members(emojibase)
        google_meta = json.loads(read(g, "package/package.json"))
        base_meta = json.loads(read(b, "package/package.json"))
        catalog = json.loads(read(g, "package/emoji.json"))
        data = json.loads(read(b, "package/en/data.json"))
        groups = json.loads(read(b, "package/meta/groups.json"))

        # iamcal's image file for every (normalised) code point sequence with a Google image
        image_of = {}
        for e in catalog:
            if not e.get("has_img_google"):
                continue
            for code in (e["unified"], e.get("non_qualified")):
                if code:
                    image_of.setdefault(norm(code), e["image"])

        out = os.path.abspath(args.out)
        if os.path.isdir(out):
            shutil.rmtree(out)
        os.makedirs(os.path.join(out, "images"))
        pairs = []
        total = 0
        for e in sorted(data, key=lambda x: (x.get("order", 1 << 30), x["hexcode"])):
            image = image_of.get(norm(e["hexcode"]))
            if image is None or "label" not in e:
                continue  # regional indicators and components have no picture of their own
            png = read(g, "package/img/google/64/" + image)
            with open(os.path.join(out, "images", image), "wb") as f:
                f.write(png)
            total += len(png)
            keywords = sorted(set(t.strip() for t in e.get("tags", []) if t.strip()))
            pair = {
                "id": "emoji-" + image[:-4],
                "caption": e["label"],
                "keywords": keywords,
                "image": "images/" + image,
                "emoji": e.get("emoji", ""),
                "group": groups["groups"].get(str(e.get("group")), ""),
                "subgroup": groups["subgroups"].get(str(e.get("subgroup")), ""),
            }
            pairs.append(pair)
        with open(os.path.join(out, "pairs.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for p in pairs:
                f.write(json.dumps(p, ensure_ascii=False, sort_keys=False) + "\n")

        with open(os.path.join(out, "LICENSE-emojibase-data.txt"), "wb") as f:
            f.write(read(b, "package/LICENSE"))
        with open(os.path.join(out, "LICENSE-emoji-datasource.txt"), "wb") as f:
            f.write(read(g, "package/LICENSE"))
        if os.path.exists(APACHE_2):
            shutil.copyfile(APACHE_2, os.path.join(out, "LICENSE-noto-emoji-images.txt"))
        else:
            sys.exit("need the Apache License 2.0 text at " + APACHE_2 + " (Debian package base-files)")
        with open(os.path.join(out, "NOTICE"), "w", encoding="utf-8") as f:
            f.write(NOTICE.format(google=google_meta["version"], emojibase=base_meta["version"], n=len(pairs)))
        with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
            f.write(README.format(google=google_meta["version"], emojibase=base_meta["version"], n=len(pairs), mb=total / 1e6))
        print("wrote %d pairs, %.1f MB of images, to %s" % (len(pairs), total / 1e6, out))
    finally:
        shutil.rmtree(work, ignore_errors=True)


NOTICE = """vimi embedded default memory: {n} image-text pairs

Images: Noto Emoji (https://github.com/googlefonts/noto-emoji), Copyright Google Inc.,
  licensed under the Apache License, Version 2.0 (LICENSE-noto-emoji-images.txt), as packaged at 64x64
  pixels in the npm package emoji-datasource-google {google} (https://github.com/iamcal/emoji-data),
  whose data and file names are Copyright (c) 2013 Cal Henderson, MIT License (LICENSE-emoji-datasource.txt).
  The images are unmodified.
Captions and keywords: the English labels and tags of emojibase-data {emojibase}
  (https://emojibase.dev), Copyright (c) 2017-2019 Miles Johnson, MIT License (LICENSE-emojibase-data.txt).
Joined and written by memories/emoji/make-emoji-memory.py.
"""

README = """# The embedded default memory

{n} real image-text pairs that ship with vimi, so that `vimi memory search "dog surfing"` works on a
fresh clone: the 64x64 Noto Emoji PNGs of emoji-datasource-google {google} joined with the English
labels (captions) and tags (keywords) of emojibase-data {emojibase}. Skin-tone variants are left out.
{mb:.1f} MB of images. Licenses: NOTICE.

`pairs.jsonl` is the machine-readable list, one pair per line, in Emojibase order:

| field | meaning |
| --- | --- |
| `id` | `emoji-` + the image's code points, e.g. `emoji-1f436` |
| `caption` | the Emojibase label, e.g. `dog face` |
| `keywords` | the Emojibase tags, sorted |
| `image` | the PNG, relative to this folder |
| `emoji`, `group`, `subgroup` | the character and its Emojibase group (extra fields, ignored by the memory readers) |

Regenerate with `python3 memories/emoji/make-emoji-memory.py` (runs `npm pack`; deterministic).
The `vimi` command line builds a Lucene memory from this folder on first use (in its cache folder).
"""

if __name__ == "__main__":
    main()
