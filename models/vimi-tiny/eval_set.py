#!/usr/bin/python3
"""Writes ViMi-tiny's grounding evaluation set (committed; read by `vimi eval grounding`):

  eval/grounding.json   backgrounds (name -> sRGB), and items: id, group, task, prompt (with <image> for the
                        subject task), image / first_frame (paths relative to the repository), subject id
                        and image, motion, background, and 10 identity candidates (the subject first)
  eval/frames/*.png     first frames (72x128) of the video-prediction items

Items come from work/data/test.jsonl (data/generate.py): prompts the model was not trained on -- seen
subjects in new combinations and held-out caption templates, and held-out subjects that appear only in
the memory. Groups:

  t2v-seen       text-to-video, subject seen in training (retrieval on)
  t2v-held       text-to-video, held-out subject (run with retrieval on and off)
  subject-seen   subject-driven, the sprite given as the <image>
  subject-held   the same with held-out sprites
  predict        video prediction from the text and the first frame

    /usr/bin/python3 models/vimi-tiny/eval_set.py [--per-group 16] [--oracle DIR]

--oracle DIR also writes every item's true base-size clip as DIR/<item id>.f32 (float32 [3, 16, 36, 64] in
[-1, 1]) for `vimi eval grounding --oracle DIR`, which measures them instead of generated videos.
"""

import argparse
import json
import os
import random
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "data"))
import generate as gen  # noqa: E402

MEMORY_REL = os.path.relpath(gen.DEFAULT_MEMORY, gen.REPO)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-group", type=int, default=16)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--oracle", help="also write the true clips here")
    a = ap.parse_args()
    data = os.path.join(HERE, "work", "data")
    test = [json.loads(l) for l in open(os.path.join(data, "test.jsonl"), encoding="utf-8")]
    subjects = json.load(open(os.path.join(data, "subjects.json"), encoding="utf-8"))
    pool = subjects["train"] + subjects["held_out"]
    rnd = random.Random(a.seed)
    out_dir = os.path.join(HERE, "eval")
    frames_dir = os.path.join(out_dir, "frames")
    os.makedirs(frames_dir, exist_ok=True)
    for f in os.listdir(frames_dir):
        os.remove(os.path.join(frames_dir, f))
    sprites = gen.SpriteCache(gen.DEFAULT_MEMORY)
    seen = [s for s in test if s["group"] == "seen"]
    held = [s for s in test if s["group"] == "held_out"]
    n = a.per_group

    def candidates(spec):
        others = [p["id"] for p in pool if p["id"] != spec["subject_id"]]
        return [spec["subject_id"]] + rnd.sample(others, 9)

    def item(spec, group, task):
        it = {
            "id": "%s-%s" % (group, spec["id"]),
            "group": group,
            "task": task,
            "prompt": spec["caption"],
            "subject_id": spec["subject_id"],
            "subject": spec["subject"],
            "motion": spec["motion"],
            "speed": spec["speed"],
            "background": spec["background"],
            "candidates": candidates(spec),
        }
        if task == "subject":
            it["prompt"] = gen.subject_text(spec["caption"], spec["subject"])
            it["images"] = [MEMORY_REL + "/" + spec["image"]]
        if task == "predict":
            frame = gen.to_uint8(gen.render(spec, sprites)[0])
            name = "%s.png" % spec["id"]
            Image.fromarray(frame).save(os.path.join(frames_dir, name), optimize=True)
            it["first_frame"] = os.path.relpath(os.path.join(frames_dir, name), gen.REPO)
        return it

    items = []
    items += [item(s, "t2v-seen", "t2v") for s in seen[:n]]
    items += [item(s, "t2v-held", "t2v") for s in held[:n]]
    items += [item(s, "subject-seen", "subject") for s in seen[n:2 * n]]
    items += [item(s, "subject-held", "subject") for s in held[n:2 * n]]
    items += [item(s, "predict", "predict") for s in seen[2 * n:3 * n]]
    candidates_images = {p["id"]: MEMORY_REL + "/" + p["image"] for p in pool}
    doc = {
        "description": "ViMi-tiny grounding evaluation set, written by models/vimi-tiny/eval_set.py",
        "frames": gen.FRAMES,
        "backgrounds": {k: list(v) for k, v in gen.BACKGROUNDS.items()},
        "subject_images": candidates_images,
        "items": items,
    }
    if a.oracle:
        import numpy as np
        os.makedirs(a.oracle, exist_ok=True)
        by_id = {s["id"]: s for s in test}
        for it in items:
            spec = by_id[it["id"][len(it["group"]) + 1:]]
            clip = gen.to_uint8(gen.downsample2(gen.render(spec, sprites))).astype(np.float32) / 127.5 - 1.0
            clip.transpose(3, 0, 1, 2).astype("<f4").tofile(os.path.join(a.oracle, it["id"] + ".f32"))
    with open(os.path.join(out_dir, "grounding.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%d items -> %s" % (len(items), out_dir))


if __name__ == "__main__":
    main()
