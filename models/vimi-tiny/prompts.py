#!/usr/bin/python3
"""The multimodal prompts ViMi-tiny trains on, assembled as the SDK's tasks assemble them
(dev.vimi.api.internal.tasks.PaperTask):

  t2v      instruction, then for each retrieved pair <image> + caption, then the user's text
  subject  instruction, then the user's text with <image> where the subject stands
  predict  instruction, then the text, then <image> of the first frame

Stage 1 (retrieval-augmented pretraining) uses the output of the SDK's dataset builder
(work/data/augmented.jsonl, K=3 hits per caption; every second clip keeps only the first two hits, the
K the SDK retrieves at generation). Stage 2 (instruction tuning) gives every clip the task drawn by the
data generator; its t2v prompts keep 2 hits mostly, and 1 or 0 hits sometimes, so that the model also
knows prompts without retrieved examples (the "retrieval off" arm of the evaluation).

    /usr/bin/python3 models/vimi-tiny/prompts.py   # writes work/data/prompts.jsonl

Also the evaluation set's prompts (keys "ev:<item id>", and "ev:<item id>:off" for held-out t2v items
without retrieval), for the quick evaluation the recipe runs at its checkpoints; their retrieved pairs
come from the same SDK run (augmented.jsonl holds the evaluation prompts too, see README.md).

A prompt is {"key", "stage", "clip", "task", "pieces": [text or null], "images": [ref, ...]}: pieces
are the text segments in order with null where an image slot is, and images the refs of the slots in
order: "mem:<path relative to the memory>", "sprite:<path relative to the memory>", "first_frame" (of
the clip drawn for the caption) or "file:<path relative to the repository>".
tools/TextStates.java reads "key" and "pieces".
"""

import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "data"))
import generate as gen  # noqa: E402


def t2v_pieces(caption, hits, memory):
    pieces = [gen.INSTRUCTIONS["t2v"]]
    images = []
    for h in hits:
        pieces.append(None)
        images.append("mem:" + os.path.relpath(h["image"]["path"], memory))
        pieces.append(h["caption"])
    pieces.append(caption)
    return pieces, images


def subject_pieces(subject_text, image):
    pieces = [gen.INSTRUCTIONS["subject"]]
    before, after = subject_text.split("<image>")
    if before.strip():
        pieces.append(before.strip())
    pieces.append(None)
    if after.strip():
        pieces.append(after.strip())
    return pieces, ["sprite:" + image]


def predict_pieces(caption):
    return [gen.INSTRUCTIONS["predict"], caption, None], ["first_frame"]


def eval_prompts(eval_set, aug, memory, k=2):
    """The evaluation set's prompts as the SDK's pipeline assembles them (t2v retrieves its default K=2;
    held-out t2v items also without retrieval), for the recipe's quick evaluation at checkpoints."""
    out = []
    for it in json.load(open(eval_set, encoding="utf-8"))["items"]:
        key = "ev:" + it["id"]
        if it["task"] == "t2v":
            p, im = t2v_pieces(it["prompt"], aug[it["id"]]["retrieved"][:k], memory)
            out.append({"key": key, "stage": 0, "clip": -1, "task": "t2v", "pieces": p, "images": im})
            if it["group"] == "t2v-held":
                p, im = t2v_pieces(it["prompt"], [], memory)
                out.append({"key": key + ":off", "stage": 0, "clip": -1, "task": "t2v", "pieces": p, "images": im})
        elif it["task"] == "subject":
            p, im = subject_pieces(it["prompt"], os.path.relpath(os.path.join(gen.REPO, it["images"][0]), memory))
            out.append({"key": key, "stage": 0, "clip": -1, "task": "subject", "pieces": p, "images": im})
        else:
            p, _ = predict_pieces(it["prompt"])
            out.append({"key": key, "stage": 0, "clip": -1, "task": "predict", "pieces": p,
                        "images": ["file:" + it["first_frame"]]})
    return out


def build(data_dir, memory, seed=5):
    train = [json.loads(l) for l in open(os.path.join(data_dir, "train.jsonl"), encoding="utf-8")]
    aug = {}
    for line in open(os.path.join(data_dir, "augmented.jsonl"), encoding="utf-8"):
        r = json.loads(line)
        aug[r["id"]] = r
    rnd = random.Random(seed)
    out = []
    for i, s in enumerate(train):
        hits = aug[s["id"]]["retrieved"]
        k1 = 3 if i % 2 else 2
        p, im = t2v_pieces(s["caption"], hits[:k1], memory)
        out.append({"key": "s1:" + s["id"], "stage": 1, "clip": i, "task": "t2v", "pieces": p, "images": im})
        task = s["task"]
        if task == "t2v":
            u = rnd.random()
            k2 = 0 if u < 0.15 else 1 if u < 0.3 else 2
            p, im = t2v_pieces(s["caption"], hits[:k2], memory)
        elif task == "subject":
            p, im = subject_pieces(s["subject_text"], s["image"])
        else:
            p, im = predict_pieces(s["caption"])
        out.append({"key": "s2:" + s["id"], "stage": 2, "clip": i, "task": task, "pieces": p, "images": im})
    return out + eval_prompts(os.path.join(HERE, "eval", "grounding.json"), aug, memory)


def main():
    data_dir = os.path.join(os.environ.get("VIMI_TINY_WORK", os.path.join(HERE, "work")), "data")
    memory = gen.DEFAULT_MEMORY
    prompts = build(data_dir, memory)
    with open(os.path.join(data_dir, "prompts.jsonl"), "w", encoding="utf-8") as f:
        for p in prompts:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print("%d prompts -> %s" % (len(prompts), os.path.join(data_dir, "prompts.jsonl")))


if __name__ == "__main__":
    main()
