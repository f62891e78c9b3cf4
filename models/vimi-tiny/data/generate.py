#!/usr/bin/python3
"""ViMi-tiny's training and evaluation data: real emoji sprites moving over coloured backgrounds.

Every clip is 16 frames of a Noto emoji from vimi's embedded memory (memories/emoji/.../emoji) moving
left, right, up or down, growing, shrinking or standing still over a plain background, slowly or fast.
Clips are rendered at the upsampler's size (72x128) and averaged 2x2 to the base stage's size (36x64),
so the two stages see consistent videos. Captions come from varied templates that name the subject
(the emoji's Emojibase label), the motion, the background colour and the speed.

Subjects: a deterministic pool of emoji that render as a compact sprite (animals, food, vehicles,
plants, sports and game objects, clothes) whose labels name no background colour. Most subjects are
used in training clips; the held-out subjects never appear in a training clip -- they exist only in
the memory, where retrieval can find them.

Everything is a pure function of --seed (and the memory's files), so the data need not be committed:

    /usr/bin/python3 models/vimi-tiny/data/generate.py --out models/vimi-tiny/work/data

writes
    subjects.json      the pool: train and held-out subjects (id, label, image path)
    train.jsonl        training clips: id, caption, subject, motion, speed, background, trajectory,
                       task of the instruction-tuning stage and its prompt (see below)
    test.jsonl         evaluation clips: seen subjects (new combinations, held-out templates) and
                       held-out subjects
    train_base.npy     uint8 [N, 16, 36, 64, 3] base-size videos of train.jsonl, in order
    test_base.npy      the same for test.jsonl
    captions.jsonl     {"id", "caption"} per training clip: the input of `vimi augment`

The module is also imported by the training recipe (render() makes 72x128 clips for the upsampler).
"""

import argparse
import json
import math
import os
import random
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_MEMORY = os.path.join(REPO, "memories", "emoji", "src", "main", "resources", "dev", "vimi", "memory", "emoji")

FRAMES = 16
BASE_H, BASE_W = 36, 64
HR_H, HR_W = 72, 128
FPS = 24.0

# background name -> sRGB; names chosen to be unambiguous colour words
BACKGROUNDS = {
    "red": (200, 40, 40),
    "green": (50, 160, 60),
    "blue": (40, 70, 200),
    "yellow": (235, 210, 50),
    "orange": (240, 140, 30),
    "purple": (130, 50, 170),
    "pink": (240, 150, 190),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
    "gray": (128, 128, 128),
    "cyan": (60, 200, 210),
    "brown": (120, 75, 40),
}
COLOUR_WORDS = set(BACKGROUNDS) | {"grey", "violet", "gold", "silver", "dark", "light"}

MOTIONS = ["left", "right", "up", "down", "grow", "shrink", "still"]
SPEEDS = ["slow", "fast"]

SUBJECT_SUBGROUPS = {
    "animal-mammal", "animal-bird", "animal-marine", "animal-bug", "animal-reptile", "food-fruit",
    "food-vegetable", "food-prepared", "food-sweet", "drink", "transport-ground", "transport-air",
    "transport-water", "plant-flower", "plant-other", "sport", "musical-instrument", "game", "clothing",
}
POOL_SIZE = 128
HELD_OUT = 20

# Motion phrases. Each template list is split: the last entry of every list is kept for evaluation only.
MOTION_PHRASES = {
    "left": ["moves left", "slides to the left", "travels leftward", "drifts left", "glides to the left"],
    "right": ["moves right", "slides to the right", "travels rightward", "drifts right", "glides to the right"],
    "up": ["moves up", "rises", "floats upward", "climbs up", "drifts upward"],
    "down": ["moves down", "falls", "sinks downward", "drops down", "drifts downward"],
    "grow": ["grows", "gets bigger", "grows larger", "expands", "swells up"],
    "shrink": ["shrinks", "gets smaller", "becomes smaller", "shrinks away", "contracts"],
    "still": ["stays still", "sits still", "does not move", "rests in place", "stands still"],
}
SPEED_PHRASES = {
    "slow": ["slowly", "at a slow pace", "gently", "leisurely"],
    "fast": ["quickly", "at a fast pace", "rapidly", "swiftly"],
}
# {a} article + subject, {m} motion phrase, {s} speed phrase, {b} background colour
TEMPLATES = [
    "{a} {m} {s} on a {b} background",
    "{a} {m} {s} over a plain {b} background",
    "{s}, {a} {m} against a {b} backdrop",
    "a {b} background where {a} {m} {s}",
    "video of {a} that {m} {s}, {b} background",
    "on {b}, {a} {m} {s}",
    # evaluation-only templates
    "{a} {m} {s} in front of a {b} wall",
    "a clip of {a} on {b} that {m} {s}",
]
TRAIN_TEMPLATES = TEMPLATES[:6]
TEST_TEMPLATES = TEMPLATES[6:]

# The paper's instruction strings (section 3.3), as dev.vimi.api.internal.tasks.PaperTask has them.
INSTRUCTIONS = {
    "subject": "Generate a video with the text and image interleaved prompt.",
    "predict": "Generate a video with the following text and first frame.",
    "t2v": "Generate a video with the retrieved text-image examples and text prompt.",
}
# mix of the instruction-tuning stage
TASK_MIX = [("t2v", 0.4), ("subject", 0.35), ("predict", 0.25)]


def article(label):
    return ("an " if label[0].lower() in "aeiou" else "a ") + label


def load_pairs(memory):
    with open(os.path.join(memory, "pairs.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_sprite(memory, image):
    im = Image.open(os.path.join(memory, image)).convert("RGBA")
    return im


def coverage(im):
    a = np.asarray(im)[:, :, 3].astype(np.float32) / 255.0
    return float(a.mean())


def select_subjects(memory, seed):
    """The subject pool: (train, held_out), each a list of pair dicts with 'label' added."""
    pairs = load_pairs(memory)
    cands = []
    seen = set()
    for p in pairs:
        label = p["caption"].strip()
        words = label.lower().replace("-", " ").split()
        if p.get("subgroup") not in SUBJECT_SUBGROUPS or len(words) > 2 or not label.isascii():
            continue
        if any(w in COLOUR_WORDS for w in words) or label.lower() in seen:
            continue
        cov = coverage(load_sprite(memory, p["image"]))
        if cov < 0.22 or cov > 0.9:
            continue  # too thin to see at 16 px, or a full square
        seen.add(label.lower())
        cands.append(dict(p, label=label))
    cands.sort(key=lambda p: p["id"])
    rnd = random.Random(seed)
    rnd.shuffle(cands)
    pool = cands[:POOL_SIZE]
    return pool[HELD_OUT:], pool[:HELD_OUT]


# ------------------------------------------------------------------------------------------------
# trajectories and rendering


def trajectory(motion, speed, rnd, h=HR_H, w=HR_W, start_span=1.0):
    """Per-frame (cx, cy, size) in HR pixels. start_span (0, 1]: a moving sprite starts within that leading
    fraction of its possible starts (the side it comes from: a sprite that moves right starts on the left);
    1.0, the default and the test set's, draws the start uniformly from all of them."""
    fast = speed == "fast"
    if motion in ("grow", "shrink"):
        lo, hi = (18, 46) if fast else (24, 40)
        s0, s1 = (lo, hi) if motion == "grow" else (hi, lo)
        cx = rnd.uniform(hi / 2 + 2, w - hi / 2 - 2)
        cy = rnd.uniform(hi / 2 + 1, h - hi / 2 - 1)
        return [(cx, cy, s0 + (s1 - s0) * t / (FRAMES - 1)) for t in range(FRAMES)]
    size = rnd.uniform(28, 36)
    half = size / 2
    if motion == "still":
        cx = rnd.uniform(half + 2, w - half - 2)
        cy = rnd.uniform(half + 1, h - half - 1)
        return [(cx, cy, size)] * FRAMES
    if motion in ("left", "right"):
        step = (5.0 if fast else 2.5) * rnd.uniform(0.9, 1.1)
        travel = step * (FRAMES - 1)
        start_lo, start_hi = half + 1, w - half - 1 - travel
        x0 = start_lo + rnd.uniform(0.0, start_span) * max(0.0, start_hi - start_lo)
        cy = rnd.uniform(half + 1, h - half - 1)
        xs = [x0 + step * t for t in range(FRAMES)]
        if motion == "left":
            xs = [w - x for x in xs]
        return [(x, cy, size) for x in xs]
    step = (2.4 if fast else 1.2) * rnd.uniform(0.9, 1.1)
    travel = step * (FRAMES - 1)
    start_lo, start_hi = half, h - half - travel
    y0 = start_lo + rnd.uniform(0.0, start_span) * max(0.0, start_hi - start_lo)
    cx = rnd.uniform(half + 2, w - half - 2)
    ys = [y0 + step * t for t in range(FRAMES)]
    if motion == "up":
        ys = [h - y for y in ys]
    return [(cx, y, size) for y in ys]


class SpriteCache:
    """Resized RGBA sprites as float arrays, cached by (image, size)."""

    def __init__(self, memory):
        self.memory = memory
        self.src = {}
        self.cache = {}

    def get(self, image, size):
        key = (image, size)
        hit = self.cache.get(key)
        if hit is None:
            src = self.src.get(image)
            if src is None:
                src = load_sprite(self.memory, image)
                self.src[image] = src
            im = src.resize((size, size), Image.LANCZOS)
            a = np.asarray(im).astype(np.float32) / 255.0
            hit = (a[:, :, :3], a[:, :, 3:4])
            if len(self.cache) > 4096:
                self.cache.clear()
            self.cache[key] = hit
        return hit


def render(spec, sprites, h=HR_H, w=HR_W, trajectory=None):
    """float32 [T, h, w, 3] in [0, 1] (T: the trajectory's length, 16 for a clip); the trajectory (spec's
    unless given) is in HR pixels, scaled to (h, w)."""
    scale = h / HR_H
    traj = spec["trajectory"] if trajectory is None else trajectory
    bg = np.array(BACKGROUNDS[spec["background"]], dtype=np.float32) / 255.0
    out = np.empty((len(traj), h, w, 3), dtype=np.float32)
    for t, (cx, cy, size) in enumerate(traj):
        frame = out[t]
        frame[:] = bg
        s = max(2, int(round(size * scale)))
        rgb, a = sprites.get(spec["image"], s)
        x0 = int(round(cx * scale - s / 2))
        y0 = int(round(cy * scale - s / 2))
        xa, ya = max(0, x0), max(0, y0)
        xb, yb = min(w, x0 + s), min(h, y0 + s)
        if xb <= xa or yb <= ya:
            continue
        sub_rgb = rgb[ya - y0:yb - y0, xa - x0:xb - x0]
        sub_a = a[ya - y0:yb - y0, xa - x0:xb - x0]
        region = frame[ya:yb, xa:xb]
        frame[ya:yb, xa:xb] = sub_rgb * sub_a + region * (1.0 - sub_a)
    return out


def downsample2(video):
    """2x2 mean in space: [T, 2h, 2w, 3] -> [T, h, w, 3]."""
    t, h, w, c = video.shape
    return video.reshape(t, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))


def to_uint8(video):
    return np.clip(np.round(video * 255.0), 0, 255).astype(np.uint8)


# ------------------------------------------------------------------------------------------------
# captions and specs


def caption_for(label, motion, speed, background, rnd, templates):
    tpl = rnd.choice(templates)
    phrases = MOTION_PHRASES[motion]
    mp = rnd.choice(phrases[:-1] if templates is TRAIN_TEMPLATES else phrases)
    sp = rnd.choice(SPEED_PHRASES[speed])
    if motion == "still":
        sp = "calmly"
    text = tpl.format(a=article(label), m=mp, s=sp, b=background)
    return text[0].upper() + text[1:]


def subject_text(caption, label):
    """The caption with the subject replaced by the <image> placeholder (subject-driven task):
    'A dog moves left ...' -> 'A <image> moves left ...'."""
    a = article(label)
    for form, repl in ((a[0].upper() + a[1:], "A <image>"), (a, "a <image>")):
        if form in caption:
            return caption.replace(form, repl, 1)
    raise ValueError("subject '%s' not found in caption '%s'" % (label, caption))


def make_spec(idx, prefix, subject, rnd, templates, task=None):
    motion = rnd.choice(MOTIONS)
    speed = rnd.choice(SPEEDS)
    background = rnd.choice(sorted(BACKGROUNDS))
    traj = trajectory(motion, speed, rnd)
    cap = caption_for(subject["label"], motion, speed, background, rnd, templates)
    spec = {
        "id": "%s-%06d" % (prefix, idx),
        "caption": cap,
        "subject_id": subject["id"],
        "subject": subject["label"],
        "image": subject["image"],
        "motion": motion,
        "speed": speed,
        "background": background,
        "fps": FPS,
        "trajectory": [[round(x, 3), round(y, 3), round(s, 3)] for x, y, s in traj],
    }
    if task is not None:
        spec["task"] = task
        spec["subject_text"] = subject_text(cap, subject["label"])
    return spec


def pick_task(rnd):
    u = rnd.random()
    acc = 0.0
    for name, p in TASK_MIX:
        acc += p
        if u < acc:
            return name
    return TASK_MIX[-1][0]


def build(memory, out, seed, n_train, n_test_seen, n_test_held, train_videos=False):
    os.makedirs(out, exist_ok=True)
    train_subjects, held_subjects = select_subjects(memory, seed)
    with open(os.path.join(out, "subjects.json"), "w", encoding="utf-8") as f:
        json.dump({"seed": seed, "memory": os.path.relpath(memory, REPO),
                   "train": [{"id": s["id"], "label": s["label"], "image": s["image"]} for s in train_subjects],
                   "held_out": [{"id": s["id"], "label": s["label"], "image": s["image"]} for s in held_subjects]},
                  f, indent=1, ensure_ascii=False)
    rnd = random.Random(seed * 7919 + 1)
    train = []
    captions = set()
    i = 0
    while len(train) < n_train:
        subj = train_subjects[i % len(train_subjects)] if i < len(train_subjects) else rnd.choice(train_subjects)
        spec = make_spec(len(train), "train", subj, rnd, TRAIN_TEMPLATES, task=pick_task(rnd))
        i += 1
        if spec["caption"] in captions:
            continue
        captions.add(spec["caption"])
        train.append(spec)
    test = []
    trnd = random.Random(seed * 104729 + 2)
    while len(test) < n_test_seen:
        subj = trnd.choice(train_subjects)
        spec = make_spec(len(test), "test", subj, trnd, TEST_TEMPLATES, task="t2v")
        if spec["caption"] in captions:
            continue
        spec["group"] = "seen"
        captions.add(spec["caption"])
        test.append(spec)
    k = 0
    while len(test) < n_test_seen + n_test_held:
        subj = held_subjects[k % len(held_subjects)]
        k += 1
        spec = make_spec(len(test), "test", subj, trnd, TEST_TEMPLATES + TRAIN_TEMPLATES, task="t2v")
        spec["group"] = "held_out"
        test.append(spec)

    sprites = SpriteCache(memory)
    for name, specs in (("train", train), ("test", test)):
        with open(os.path.join(out, name + ".jsonl"), "w", encoding="utf-8") as f:
            for s in specs:
                f.write(json.dumps(s, ensure_ascii=False) + "\n")
        if name == "train" and not train_videos:
            continue  # the recipe renders training clips on the fly, with a fresh trajectory each time
        arr = np.lib.format.open_memmap(os.path.join(out, name + "_base.npy"), mode="w+", dtype=np.uint8,
                                        shape=(len(specs), FRAMES, BASE_H, BASE_W, 3))
        for j, s in enumerate(specs):
            arr[j] = to_uint8(downsample2(render(s, sprites)))
        arr.flush()
        del arr
    with open(os.path.join(out, "captions.jsonl"), "w", encoding="utf-8") as f:
        for s in train:
            f.write(json.dumps({"id": s["id"], "caption": s["caption"]}, ensure_ascii=False) + "\n")
    return train_subjects, held_subjects, train, test


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--memory", default=DEFAULT_MEMORY, help="the emoji memory folder (pairs.jsonl + images/)")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "work", "data"))
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--train", type=int, default=30000,
                    help="training captions (each a subject, motion, speed, background and task; the recipe draws a"
                         " fresh trajectory for a caption every time it uses it)")
    ap.add_argument("--train-videos", action="store_true",
                    help="also write train_base.npy (one fixed 36x64 clip per caption)")
    ap.add_argument("--test-seen", type=int, default=120, help="evaluation clips of training subjects")
    ap.add_argument("--test-held", type=int, default=120, help="evaluation clips of held-out subjects")
    a = ap.parse_args()
    tr, ho, train, test = build(os.path.abspath(a.memory), os.path.abspath(a.out), a.seed, a.train, a.test_seen,
                                a.test_held, a.train_videos)
    print("subjects: %d train, %d held out; clips: %d train, %d test -> %s"
          % (len(tr), len(ho), len(train), len(test), os.path.abspath(a.out)))


if __name__ == "__main__":
    sys.exit(main())
