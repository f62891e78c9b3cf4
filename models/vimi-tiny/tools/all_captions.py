"""The captions the recipe's retrieval step (tools/Augment.java) runs over: the training captions
(work/data/captions.jsonl, from data/generate.py) followed by the evaluation set's prompts (eval/grounding.json),
whose retrieved pairs prompts.py needs for the quick evaluation at checkpoints.

    /usr/bin/python3 tools/all_captions.py          # -> work/data/all_captions.jsonl
"""
import json
import os

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    data = os.path.join(HERE, "work", "data")
    n = 0
    with open(os.path.join(data, "all_captions.jsonl"), "w", encoding="utf-8") as out:
        with open(os.path.join(data, "captions.jsonl"), encoding="utf-8") as f:
            for line in f:
                out.write(line)
                n += 1
        for it in json.load(open(os.path.join(HERE, "eval", "grounding.json"), encoding="utf-8"))["items"]:
            out.write(json.dumps({"id": it["id"], "caption": it["prompt"]}) + "\n")
            n += 1
    print("wrote %d captions to %s" % (n, os.path.join(data, "all_captions.jsonl")))


if __name__ == "__main__":
    main()
