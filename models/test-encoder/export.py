#!/usr/bin/python3
"""Exports the small graphs and reference outputs that test the "mllm" condition encoder.

Everything here is seeded and deterministic: running the script twice writes the same graphs and
the same expected tensors. It needs Debian's python3-torch (1.13), python3-onnx, python3-numpy and
python3-pil, nothing else (no onnxruntime, no transformers, no tokenizers).

What it writes (default: plugins/encoder-mllm/src/test/resources/test-encoder/):

  images       rgba.png (70x50, RGBA, varying alpha), gray.png (23x40, 8-bit grey),
               rgba.webp (lossless WebP of rgba.png), photo.jpg (RGB JPEG), cmyk.jpg (CMYK JPEG)
  pixels_*.bin the reference preprocessing of those images: float32 [3, S, S]
  vision.onnx  a small ViT-style vision tower: pixel_values [B,3,32,32] -> patch features
               [B,16,64] taken BEFORE the last transformer layer (as ViMi takes CLIP ViT-L/14's)
  projector_late.onnx   W for late fusion:  [B,P,64] -> [B,P,384] (MiniLM's width), MLP as LLaVA-1.5
  projector_early.onnx  W for early fusion: [B,P,64] -> [B,P,64]  (the toy LM's width)
  fusion_late.onnx      the late-fusion network: 1 transformer layer over the spliced sequence
                        (hidden_states [B,n,384], attention_mask [B,n] int64, modality_ids [B,n] int64)
  toy_embed.onnx        the toy LM's input embeddings: input_ids [B,n] int64 -> [B,n,64]
  toy_lm.onnx           the toy LM over inputs_embeds: (inputs_embeds [B,n,64], attention_mask [B,n])
                        -> last_hidden_state [B,n,64]; 2 layers, learned positions, max 128 tokens
  toy_tokenizer.json    a Hugging Face tokenizer.json (BERT-style WordPiece) for the toy LM
  *.pt                  TorchScript twins of the graphs above, for DJL's PyTorch engine
  *_out.bin, *_in.bin   inputs and expected outputs of each graph for fixed inputs (float32, little endian)
  expected.properties   shapes, token ids and the prompt of the end-to-end early-fusion reference

Preprocessing reference (what the Java ImagePreprocessor must reproduce):
  1. decode, convert to RGBA (PIL), composite over the background colour in float32:
     c = (rgb * a + bg * (255 - a)) / 65025
  2. resize so that the shorter side is S, the longer side int(S * long / short) (truncated),
     torch.nn.functional.interpolate(mode='bilinear', align_corners=False, antialias=False)
  3. centre crop S x S, offsets (h - S) // 2 and (w - S) // 2
  4. normalise per channel: (x - mean) / std
"""
import argparse
import os
import re
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

S = 32  # vision tower input size
PATCH = 8
VISION_DIM = 64
LATE_DIM = 384  # all-MiniLM-L6-v2 hidden size
EARLY_DIM = 64
TOY_MAX_TOKENS = 128
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
OPSET = 14


# ----------------------------------------------------------------------------------------------
# graphs


class Attention(nn.Module):
    def __init__(self, dim, heads, inner):
        super().__init__()
        self.heads = heads
        self.head_dim = inner // heads
        self.q = nn.Linear(dim, inner)
        self.k = nn.Linear(dim, inner)
        self.v = nn.Linear(dim, inner)
        self.o = nn.Linear(inner, dim)

    def split(self, x):
        return x.reshape(x.shape[0], -1, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, additive_mask):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / float(np.sqrt(self.head_dim))
        if additive_mask is not None:
            scores = scores + additive_mask
        attn = torch.softmax(scores, dim=-1)
        out = torch.matmul(attn, v).transpose(1, 2)
        return self.o(out.reshape(out.shape[0], -1, self.heads * self.head_dim))


class Block(nn.Module):
    """Pre-LayerNorm transformer block."""

    def __init__(self, dim, heads, inner, ff):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, inner)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, ff), nn.GELU(), nn.Linear(ff, dim))

    def forward(self, x, additive_mask=None):
        x = x + self.attn(self.ln1(x), additive_mask)
        return x + self.mlp(self.ln2(x))


def additive(mask):
    return (1.0 - mask.to(torch.float32))[:, None, None, :] * -10000.0


class VisionTower(nn.Module):
    """ViT: 8x8 patches of a 32x32 image, CLS token, 3 blocks; returns the patch states after block 2."""

    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, VISION_DIM, kernel_size=PATCH, stride=PATCH)
        self.cls = nn.Parameter(torch.randn(1, 1, VISION_DIM) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, 1 + (S // PATCH) ** 2, VISION_DIM) * 0.02)
        self.pre_ln = nn.LayerNorm(VISION_DIM)
        self.blocks = nn.ModuleList([Block(VISION_DIM, 4, VISION_DIM, 128) for _ in range(3)])

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)  # [B, 16, D]
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        x = self.pre_ln(x)
        for block in self.blocks[:-1]:  # features before the last transformer layer
            x = block(x)
        return x[:, 1:, :]  # patch features without CLS


class Projector(nn.Module):
    """W: vision features -> LM token space (Linear, GELU, Linear as in LLaVA-1.5)."""

    def __init__(self, dim_in, hidden, dim_out):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim_in, hidden), nn.GELU(), nn.Linear(hidden, dim_out))

    def forward(self, image_features):
        return self.net(image_features)


class LateFusion(nn.Module):
    """One transformer layer over LM text states with projected image tokens spliced in."""

    def __init__(self):
        super().__init__()
        self.modality = nn.Embedding(2, LATE_DIM)
        self.block = Block(LATE_DIM, 4, 64, 128)
        self.ln = nn.LayerNorm(LATE_DIM)

    def forward(self, hidden_states, attention_mask, modality_ids):
        x = hidden_states + self.modality(modality_ids)
        return self.ln(self.block(x, additive(attention_mask)))


class ToyEmbed(nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, input_ids):
        return self.table(input_ids)


class ToyLm(nn.Module):
    """A 2-layer transformer LM taking inputs_embeds (what early fusion needs)."""

    def __init__(self):
        super().__init__()
        self.pos = nn.Parameter(torch.randn(1, TOY_MAX_TOKENS, EARLY_DIM) * 0.02)
        self.blocks = nn.ModuleList([Block(EARLY_DIM, 4, EARLY_DIM, 128) for _ in range(2)])
        self.ln = nn.LayerNorm(EARLY_DIM)

    def forward(self, inputs_embeds, attention_mask):
        n = inputs_embeds.shape[1]
        x = inputs_embeds + self.pos[:, :n, :]
        m = additive(attention_mask)
        for block in self.blocks:
            x = block(x, m)
        return self.ln(x)


# ----------------------------------------------------------------------------------------------
# toy tokenizer (BERT-style WordPiece) and an independent Python implementation of it

TOY_WORDS = """
generate a video with the text and image interleaved prompt following first frame retrieved
examples is sitting in front of computer talking to camera cat dog red blue on mat runs across
field at sunset sleeps sofa ball kicks boy girl . , - ! ? ' :
""".split()


def toy_vocab():
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for w in TOY_WORDS:
        if w not in vocab:
            vocab.append(w)
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        if c not in vocab:
            vocab.append(c)
        vocab.append("##" + c)
    return {tok: i for i, tok in enumerate(vocab)}


def toy_tokenizer_json(vocab):
    special = [
        {"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [vocab["[CLS]"]], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [vocab["[SEP]"]], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


def wordpiece(text, vocab):
    """Lower-case, split on whitespace and punctuation, greedy longest-match WordPiece (ASCII only)."""
    out = []
    for word in re.findall(r"[a-z0-9]+|[^a-z0-9\s]", text.lower()):
        start, pieces = 0, []
        while start < len(word):
            end, piece = len(word), None
            while end > start:
                cand = ("##" if start > 0 else "") + word[start:end]
                if cand in vocab:
                    piece = cand
                    break
                end -= 1
            if piece is None:
                pieces = ["[UNK]"]
                break
            pieces.append(piece)
            start = end
        out.extend(pieces)
    return out


# ----------------------------------------------------------------------------------------------
# images and the preprocessing reference


def make_images(out):
    ys, xs = np.mgrid[0:50, 0:70]
    rgba = np.zeros((50, 70, 4), dtype=np.uint8)
    rgba[..., 0] = (xs * 255 // 69).astype(np.uint8)  # red grows to the right
    rgba[..., 1] = (ys * 255 // 49).astype(np.uint8)  # green grows downwards
    rgba[..., 2] = (((xs // 7 + ys // 5) % 2) * 200 + 30).astype(np.uint8)  # blue checkerboard
    rgba[..., 3] = np.clip(255 - np.abs(xs - 35) * 6, 0, 255).astype(np.uint8)  # alpha ridge
    rgba[20:30, 5:15, 3] = 0  # a fully transparent box
    Image.fromarray(rgba, "RGBA").save(os.path.join(out, "rgba.png"))
    Image.fromarray(rgba, "RGBA").save(os.path.join(out, "rgba.webp"), lossless=True, quality=100)

    gy, gx = np.mgrid[0:40, 0:23]
    gray = ((gx * 11 + gy * 5) % 256).astype(np.uint8)
    Image.fromarray(gray, "L").save(os.path.join(out, "gray.png"))

    rgb = Image.fromarray(rgba[..., :3].copy(), "RGB")
    rgb.save(os.path.join(out, "photo.jpg"), quality=95, subsampling=0)
    rgb.convert("CMYK").save(os.path.join(out, "cmyk.jpg"), quality=90)


def preprocess(path, size, mean, std, background=(255, 255, 255)):
    """The reference for ImagePreprocessor: returns float32 [3, size, size]."""
    im = Image.open(path)
    im.load()
    rgba = np.asarray(im.convert("RGBA"), dtype=np.float32)
    a = rgba[..., 3:4]
    bg = np.asarray(background, dtype=np.float32).reshape(1, 1, 3)
    rgb = (rgba[..., :3] * a + bg * (np.float32(255.0) - a)) / np.float32(65025.0)
    t = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))[None]  # [1,3,H,W]
    h, w = t.shape[2], t.shape[3]
    if h <= w:
        nh, nw = size, int(size * w / h)
    else:
        nh, nw = int(size * h / w), size
    t = F.interpolate(t, size=(nh, nw), mode="bilinear", align_corners=False, antialias=False)
    top, left = (nh - size) // 2, (nw - size) // 2
    t = t[:, :, top:top + size, left:left + size]
    m = torch.tensor(mean, dtype=torch.float32).reshape(1, 3, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).reshape(1, 3, 1, 1)
    return ((t - m) / s)[0].contiguous()


# ----------------------------------------------------------------------------------------------
# writing


def write_bin(out, name, tensor):
    arr = tensor.detach().cpu().numpy().astype("<f4")
    arr.tofile(os.path.join(out, name))
    return list(arr.shape)


def export(module, args, names_in, names_out, dynamic, path):
    module.eval()
    torch.onnx.export(module, args, path + ".onnx", input_names=names_in, output_names=names_out,
                      dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    torch.jit.trace(module, args).save(path + ".pt")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "plugins", "encoder-mllm", "src", "test", "resources", "test-encoder")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=default_out)
    out = os.path.abspath(ap.parse_args().out)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20240601)
    torch.set_num_threads(1)
    props = {"image_size": S, "image_mean": ",".join(map(str, CLIP_MEAN)), "image_std": ",".join(map(str, CLIP_STD))}

    # images and pixel references
    make_images(out)
    for name in ["rgba.png", "gray.png", "photo.jpg"]:
        px = preprocess(os.path.join(out, name), S, CLIP_MEAN, CLIP_STD)
        props["pixels_" + name.split(".")[0] + ".shape"] = write_bin(out, "pixels_" + name.split(".")[0] + ".bin", px)
    px_black = preprocess(os.path.join(out, "rgba.png"), S, CLIP_MEAN, CLIP_STD, background=(0, 0, 0))
    write_bin(out, "pixels_rgba_black.bin", px_black)

    # graphs
    vision = VisionTower().eval()
    proj_late = Projector(VISION_DIM, 128, LATE_DIM).eval()
    proj_early = Projector(VISION_DIM, 64, EARLY_DIM).eval()
    fusion = LateFusion().eval()
    vocab = toy_vocab()
    table = nn.Embedding(len(vocab), EARLY_DIM)
    nn.init.normal_(table.weight, std=1.0)
    toy_embed = ToyEmbed(table).eval()
    toy_lm = ToyLm().eval()

    with torch.no_grad():
        pixels = preprocess(os.path.join(out, "rgba.png"), S, CLIP_MEAN, CLIP_STD)[None]
        export(vision, (pixels,), ["pixel_values"], ["image_features"],
               {"pixel_values": {0: "batch"}, "image_features": {0: "batch"}}, os.path.join(out, "vision"))
        feats = vision(pixels)
        props["vision_out.shape"] = write_bin(out, "vision_out.bin", feats)

        export(proj_late, (feats,), ["image_features"], ["image_tokens"],
               {"image_features": {0: "batch", 1: "patches"}, "image_tokens": {0: "batch", 1: "patches"}},
               os.path.join(out, "projector_late"))
        props["projector_late_out.shape"] = write_bin(out, "projector_late_out.bin", proj_late(feats))
        export(proj_early, (feats,), ["image_features"], ["image_tokens"],
               {"image_features": {0: "batch", 1: "patches"}, "image_tokens": {0: "batch", 1: "patches"}},
               os.path.join(out, "projector_early"))
        early_img = proj_early(feats)
        props["projector_early_out.shape"] = write_bin(out, "projector_early_out.bin", early_img)

        # late fusion network on fixed inputs (the MiniLM part is computed in Java; see README)
        n = 21
        g = torch.Generator().manual_seed(7)
        h_in = torch.randn(1, n, LATE_DIM, generator=g)
        mask = torch.ones(1, n, dtype=torch.int64)
        mask[0, 18:] = 0
        modality = torch.zeros(1, n, dtype=torch.int64)
        modality[0, 3:9] = 1
        export(fusion, (h_in, mask, modality), ["hidden_states", "attention_mask", "modality_ids"], ["fused"],
               {k: {0: "batch", 1: "sequence"} for k in ["hidden_states", "attention_mask", "modality_ids", "fused"]},
               os.path.join(out, "fusion_late"))
        props["fusion_in.shape"] = write_bin(out, "fusion_in.bin", h_in)
        props["fusion_in.mask"] = mask[0].tolist()
        props["fusion_in.modality"] = modality[0].tolist()
        props["fusion_out.shape"] = write_bin(out, "fusion_out.bin", fusion(h_in, mask, modality))

        # toy LM for early fusion
        ids = torch.tensor([[vocab["[CLS]"], vocab["cat"], vocab["[SEP]"]]], dtype=torch.int64)
        export(toy_embed, (ids,), ["input_ids"], ["inputs_embeds"],
               {"input_ids": {0: "batch", 1: "sequence"}, "inputs_embeds": {0: "batch", 1: "sequence"}},
               os.path.join(out, "toy_embed"))
        emb = toy_embed(ids)
        export(toy_lm, (emb, torch.ones(1, 3, dtype=torch.int64)), ["inputs_embeds", "attention_mask"],
               ["last_hidden_state"],
               {k: {0: "batch", 1: "sequence"} for k in ["inputs_embeds", "attention_mask", "last_hidden_state"]},
               os.path.join(out, "toy_lm"))
        with open(os.path.join(out, "toy_tokenizer.json"), "w") as f:
            json.dump(toy_tokenizer_json(vocab), f, indent=1)

        # end-to-end early fusion reference for one subject-driven prompt (paper, figure 7):
        # [instruction] [a] <image> [is sitting in front of a computer and talking to the camera.]
        segments = ["Generate a video with the text and image interleaved prompt.", "A", None,
                    "is sitting in front of a computer and talking to the camera."]
        tokens = ["[CLS]"]
        for seg in segments:
            tokens.extend(["<image>"] * early_img.shape[1] if seg is None else wordpiece(seg, vocab))
        tokens.append("[SEP]")
        ids = [vocab.get(t, 0) for t in tokens]  # image slots carry [PAD] (0); their embeddings are replaced
        x = toy_embed(torch.tensor([ids], dtype=torch.int64))
        slot = tokens.index("<image>")
        x[0, slot:slot + early_img.shape[1]] = early_img[0]
        c = toy_lm(x, torch.ones(1, len(ids), dtype=torch.int64))
        props["early.segments"] = json.dumps(segments)
        props["early.tokens"] = " ".join(tokens)
        props["early.ids"] = ids
        props["early_out.shape"] = write_bin(out, "early_out.bin", c[0])

    with open(os.path.join(out, "expected.properties"), "w") as f:
        f.write("# written by models/test-encoder/export.py; do not edit\n")
        for k in sorted(props):
            v = props[k]
            if isinstance(v, list):
                v = ",".join(map(str, v))
            f.write(f"{k}={v}\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
