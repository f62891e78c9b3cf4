"""ViMi-tiny's networks, EDM preconditioning and the SDK's reproducible noise, in PyTorch (1.13).

Condition encoder (late fusion, as the SDK's `mllm` plugin runs it):
  MiniLM (frozen; its token states come from the SDK, tools/TextStates.java) over the text tokens,
  VisionTower (4x4 patches of a 32x32 image, 2 transformer blocks, pooled to 4x4 = 16 tokens of width 64),
  Projector W (64 -> 128 -> 384, Linear-GELU-Linear), spliced in at the <image> slots,
  FusionNet (384 -> 128, modality and position embeddings, 2 transformer blocks) -> C [L, 128].
Base denoiser: a convolutional stem and head at full resolution (a U-Net's top level, with a skip)
  around a factorised space-time transformer over 2x6x8 patches of the 16x36x64 video (8x6x8 = 384
  tokens): per block spatial self-attention (per frame), temporal self-attention (per position) and an
  MLP with adaLN-zero from the embedding of (c_noise, fps, resolution, masked mean of C), and
  cross-attention to [noise, fps, resolution tokens; C] with C's mask. Output: the raw EDM network F.
Upsampler: a small convolutional network at 72x128 over 4x4 space-to-depth of (noisy video, the base
  video resized trilinearly), FiLM from the noise level, plus a temporal convolution, with a
  full-resolution stem and head around it (the skip); output F. Its stage samples from sigma_max 4.
"""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FRAMES, BASE_H, BASE_W = 16, 36, 64
UP_H, UP_W = 72, 128
SIGMA_DATA = 0.5
LM_DIM = 384
COND_DIM = 128
COND_LEN = 128
IMAGE_SIZE = 32
IMAGE_MEAN = (0.5, 0.5, 0.5)
IMAGE_STD = (0.5, 0.5, 0.5)
IMAGE_TOKENS = 16


# ------------------------------------------------------------------------------------------------
# the SDK's noise: dev.vimi.api.internal.sampling.NoiseSource (SplitMix64 + Box-Muller)

M64 = (1 << 64) - 1


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def noise_source_state(seed, stream):
    """Initial SplitMix64 state of NoiseSource.of(seed, stream)."""
    seed &= M64
    return _mix(seed ^ _mix((stream + 0x632BE59BD9B4E019) & M64))


def noise(seed, stream, n):
    """The first n values of NoiseSource.of(seed, stream).nextGaussian(), as float64 numpy.

    Box-Muller in numpy float64 with libm's log/sqrt/sin/cos: sqrt and log are correctly rounded in
    both, sin/cos may differ from StrictMath (fdlibm) in the last bit, well below any tolerance."""
    pairs = (n + 1) // 2
    # SplitMix64, vectorised: state_i = s0 + (i + 1) * golden
    s0 = noise_source_state(seed, stream)
    golden = 0x9E3779B97F4A7C15
    idx = np.arange(1, 2 * pairs + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(s0) + idx * np.uint64(golden)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = ((z >> np.uint64(11)).astype(np.float64) + 1.0) * (2.0 ** -53)
    u1 = u[0::2]
    u2 = u[1::2]
    r = np.sqrt(-2.0 * np.log(u1))
    theta = 2.0 * math.pi * u2
    out = np.empty(2 * pairs, dtype=np.float64)
    out[0::2] = r * np.cos(theta)
    out[1::2] = r * np.sin(theta)
    return out[:n]


# ------------------------------------------------------------------------------------------------
# EDM (Karras et al. 2022), as dev.vimi.spi.OutputKind.EDM


def c_skip(sigma, sd=SIGMA_DATA):
    return sd ** 2 / (sigma ** 2 + sd ** 2)


def c_out(sigma, sd=SIGMA_DATA):
    return sigma * sd / (sigma ** 2 + sd ** 2) ** 0.5


def c_in(sigma, sd=SIGMA_DATA):
    return 1.0 / (sigma ** 2 + sd ** 2) ** 0.5


def c_noise(sigma):
    return torch.log(sigma) / 4.0 if torch.is_tensor(sigma) else math.log(sigma) / 4.0


class LinearDenoisePath(nn.Module):
    """An adaptive linear denoiser expressed in EDM's F: gate * L(inputs) / c_out(sigma).

    Under EDM preconditioning a network removes small noise only by outputting F ~ -(noise) / c_out, a
    gain that grows as 1 / sigma; a small network learns that gain slowly (ViMi-tiny's first denoisers
    left visible noise in every sample). sigma is known exactly from c_noise = ln(sigma) / 4, so this
    path applies the gain itself: L, a learned 3x3(x3) linear filter of the un-scaled noisy input (and
    of extra inputs such as the upsampler's low-res video), e.g. local mean minus identity, divided by
    c_out, and a per-pixel gate from the network's features that turns it off where it does not hold
    (edges). L starts at zero, so the path starts silent."""

    def __init__(self, channels_in, features, dims=3, sigma_data=SIGMA_DATA):
        super().__init__()
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        self.sigma_data = sigma_data
        self.filter = conv(channels_in, 3, 3, padding=1, bias=False)
        nn.init.zeros_(self.filter.weight)
        self.gate = conv(features, 3, 1)
        nn.init.zeros_(self.gate.weight)
        nn.init.zeros_(self.gate.bias)

    def forward(self, inputs, features, c_noise):
        """inputs: the noisy input (already multiplied by c_in, as the network receives it) and any
        extras, concatenated on channels; c_noise broadcastable to inputs."""
        sigma = torch.exp(4.0 * c_noise)
        norm = torch.sqrt(sigma * sigma + self.sigma_data ** 2)
        c_out = sigma * self.sigma_data / norm
        # the network's input is c_in * x = x / norm: the filter sees x again through norm
        return torch.sigmoid(self.gate(features)) * self.filter(inputs) * (norm / c_out)


class WideSmoothing(nn.Module):
    """Averages wider than LinearDenoisePath's 3x3x3 filter, in EDM's F: sum_k a_k g_k (P_k(x) - x) / c_out.

    A 27-tap filter can take the noise of a flat background down by sqrt(27) at most: at sigma 0.3 that
    leaves a std of ~0.06 (on [-1, 1]), which the sampler freezes into the clip as speckle. P_k are fixed
    averages of the noisy input at growing extent: 5x5 in space over 3 frames, 9x9 over 5 frames, and the
    whole clip (the plain background's own colour); g_k [B, 1, T, H, W] are per-pixel gates from the
    network's features (a softmax over "none" and the K averages, so a pixel trusts at most one in full) and
    a_k learned scales that start at zero (the path starts silent, and can join a trained network)."""

    def __init__(self, features, sigma_data=SIGMA_DATA):
        super().__init__()
        self.sigma_data = sigma_data
        self.gate = nn.Conv3d(features, 4, 1)
        self.scale = nn.Parameter(torch.zeros(3))

    def forward(self, x_in, features, c_noise):
        sigma = torch.exp(4.0 * c_noise)
        norm = torch.sqrt(sigma * sigma + self.sigma_data ** 2)
        c_out = sigma * self.sigma_data / norm
        p1 = F.avg_pool3d(x_in, (3, 5, 5), stride=1, padding=(1, 2, 2), count_include_pad=False)
        p2 = F.avg_pool3d(x_in, (5, 9, 9), stride=1, padding=(2, 4, 4), count_include_pad=False)
        p3 = x_in.mean(dim=(2, 3, 4), keepdim=True)
        g = torch.softmax(self.gate(features), dim=1)
        out = (self.scale[0] * g[:, 1:2] * (p1 - x_in) + self.scale[1] * g[:, 2:3] * (p2 - x_in)
               + self.scale[2] * g[:, 3:4] * (p3 - x_in))
        return out * (norm / c_out)


def karras(n, sigma_min, sigma_max, rho):
    """SigmaSchedule.karras: n levels then 0."""
    s = []
    mn = sigma_min ** (1 / rho)
    mx = sigma_max ** (1 / rho)
    for i in range(n):
        frac = 0.0 if n == 1 else i / (n - 1)
        s.append((mx + frac * (mn - mx)) ** rho)
    s.append(0.0)
    return s


# ------------------------------------------------------------------------------------------------
# building blocks


def attention(q, k, v, heads, bias=None):
    """q [B, N, D], k/v [B, M, D] -> [B, N, D]; bias broadcastable to [B, heads, N, M]."""
    b, n, d = q.shape
    m = k.shape[1]
    hd = d // heads
    q = q.reshape(b, n, heads, hd).transpose(1, 2)
    k = k.reshape(b, m, heads, hd).transpose(1, 2)
    v = v.reshape(b, m, heads, hd).transpose(1, 2)
    att = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(hd))
    if bias is not None:
        att = att + bias
    att = torch.softmax(att, dim=-1)
    return torch.matmul(att, v).transpose(1, 2).reshape(b, n, d)


def short_attention(q, k, v, heads):
    """Attention over a short sequence (up to 8 temporal positions), q/k/v [B, n, D], by broadcasting
    instead of batched matrix products: on CPU, thousands of 8x8 products cost more in per-matrix
    overhead than the arithmetic. At 16 positions the broadcast tensors no longer fit in cache and
    batched products win (measured: 5x slower training step with broadcasting at 16 frames)."""
    b, n, d = q.shape
    hd = d // heads
    q = q.reshape(b, n, 1, heads, hd)
    k = k.reshape(b, 1, n, heads, hd)
    att = torch.softmax((q * k).sum(-1) * (1.0 / math.sqrt(hd)), dim=2)  # [B, n, n, heads]
    v = v.reshape(b, 1, n, heads, hd)
    return (att.unsqueeze(-1) * v).sum(2).reshape(b, n, d)


class SelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.o = nn.Linear(d, d)

    def forward(self, x, bias=None, short=False):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        if short:
            return self.o(short_attention(q, k, v, self.heads))
        return self.o(attention(q, k, v, self.heads, bias))


class Block(nn.Module):
    """Pre-LN transformer block with an optional key-padding bias."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.n1 = nn.LayerNorm(d)
        self.att = SelfAttention(d, heads)
        self.n2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))

    def forward(self, x, bias=None):
        x = x + self.att(self.n1(x), bias)
        return x + self.ff(self.n2(x))


# ------------------------------------------------------------------------------------------------
# condition encoder parts (exported as the mllm plugin's vision, projector and fusion_net graphs)


class VisionTower(nn.Module):
    """pixel_values [B, 3, 32, 32] -> image_features [B, 16, 64]."""

    def __init__(self, width=64, heads=4, depth=2):
        super().__init__()
        self.patch = nn.Conv2d(3, width, 4, stride=4)
        self.pos = nn.Parameter(torch.randn(1, 64, width) * 0.02)
        self.blocks = nn.ModuleList([Block(width, heads, 2 * width) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)

    def forward(self, pixel_values):
        b = pixel_values.shape[0]
        h = self.patch(pixel_values)  # [B, W, 8, 8]
        w = h.shape[1]
        x = h.flatten(2).transpose(1, 2) + self.pos  # [B, 64, W]
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        # 8x8 -> 4x4 tokens: mean of 2x2 neighbours
        x = x.transpose(1, 2).reshape(b, w, 8, 8)
        x = F.avg_pool2d(x, 2)
        return x.flatten(2).transpose(1, 2)


class Projector(nn.Module):
    """W: image_features [B, P, 64] -> [B, P, 384]."""

    def __init__(self, dv=64, hidden=128, d=LM_DIM):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dv, hidden), nn.GELU(), nn.Linear(hidden, d))

    def forward(self, image_features):
        return self.net(image_features)


class FusionNet(nn.Module):
    """hidden_states [B, n, 384], attention_mask [B, n] (int64), modality_ids [B, n] (int64) -> [B, n, 128]."""

    def __init__(self, d_in=LM_DIM, d=COND_DIM, heads=4, depth=2, max_len=COND_LEN):
        super().__init__()
        # fixed per-dimension standardisation of the LM's states (set from the training data): MiniLM's
        # states share a large common component that otherwise dominates the fused tokens
        self.register_buffer("in_mean", torch.zeros(d_in))
        self.register_buffer("in_std", torch.ones(d_in))
        self.norm_in = nn.LayerNorm(d_in)
        self.inp = nn.Linear(d_in, d)
        self.modality = nn.Embedding(2, d)
        nn.init.normal_(self.modality.weight, std=0.02)
        self.pos = nn.Parameter(torch.randn(max_len, d) * 0.02)
        self.blocks = nn.ModuleList([Block(d, heads, 2 * d) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)

    def forward(self, hidden_states, attention_mask, modality_ids):
        n = hidden_states.shape[1]
        h = (hidden_states - self.in_mean) / self.in_std
        x = self.inp(self.norm_in(h)) + self.modality(modality_ids) + self.pos[:n].unsqueeze(0)
        bias = (1.0 - attention_mask.to(x.dtype)).unsqueeze(1).unsqueeze(1) * -1e9
        for blk in self.blocks:
            x = blk(x, bias)
        return self.norm(x)


def preprocess_image(rgba_uint8, size=IMAGE_SIZE, mean=IMAGE_MEAN, std=IMAGE_STD, background=(255, 255, 255)):
    """The mllm plugin's ImagePreprocessor: composite over the background, resize the short side to
    `size` (bilinear, half-pixel, no antialias), centre crop, normalise. uint8 [H, W, 3|4] -> [3, S, S]."""
    a = rgba_uint8.astype(np.float32)
    if a.shape[2] == 4:
        alpha = a[:, :, 3:4]
        bg = np.array(background, dtype=np.float32).reshape(1, 1, 3)
        rgb = (a[:, :, :3] * alpha + bg * (255.0 - alpha)) / 65025.0
    else:
        rgb = a[:, :, :3] / 255.0
    h, w = rgb.shape[:2]
    t = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1))).unsqueeze(0)
    if h <= w:
        nh, nw = size, int(size * w / h)
    else:
        nh, nw = int(size * h / w), size
    if (nh, nw) != (h, w):
        t = F.interpolate(t, size=(nh, nw), mode="bilinear", align_corners=False)
    y0 = (nh - size) // 2
    x0 = (nw - size) // 2
    t = t[:, :, y0:y0 + size, x0:x0 + size]
    m = torch.tensor(mean).reshape(1, 3, 1, 1)
    s = torch.tensor(std).reshape(1, 3, 1, 1)
    return ((t - m) / s)[0]


# ------------------------------------------------------------------------------------------------
# base denoiser


def fourier_freqs(n=16, max_freq=64.0):
    """n log-spaced frequencies from 1 to max_freq, for fourier(); modules hold them as non-persistent buffers."""
    return torch.exp(torch.linspace(0.0, math.log(max_freq), n))


def fourier(x, freqs):
    """x [B] -> [B, 2n] sin/cos features at the frequencies freqs [n]. The frequencies come from a module's buffer,
    not a tensor made here: a traced graph bakes a tensor made here to the tracing device (cpu), and the
    TorchScript then fails on cuda ("Expected all tensors to be on the same device")."""
    a = x.unsqueeze(1) * freqs.to(x.dtype).unsqueeze(0)
    return torch.cat([torch.sin(a), torch.cos(a)], dim=1)


class CondEmbed(nn.Module):
    """c_noise, fps and resolution -> three tokens [B, 3, d] and their summed embedding [B, e]."""

    def __init__(self, d, e):
        super().__init__()
        self.noise = nn.Sequential(nn.Linear(32, e), nn.SiLU(), nn.Linear(e, e))
        self.fps = nn.Sequential(nn.Linear(32, e), nn.SiLU(), nn.Linear(e, e))
        self.res = nn.Sequential(nn.Linear(2, e), nn.SiLU(), nn.Linear(e, e))
        self.tok = nn.Linear(e, d)
        self.kind = nn.Parameter(torch.randn(3, d) * 0.02)
        self.register_buffer("freq_noise", fourier_freqs(16, 64.0), persistent=False)
        self.register_buffer("freq_fps", fourier_freqs(16, 16.0), persistent=False)

    def forward(self, c_noise, fps, resolution):
        en = self.noise(fourier(c_noise, self.freq_noise))
        ef = self.fps(fourier(torch.log(fps) / 4.0, self.freq_fps))
        er = self.res(resolution / 100.0)
        toks = torch.stack([self.tok(en), self.tok(ef), self.tok(er)], dim=1) + self.kind.unsqueeze(0)
        return toks, en + ef + er


class PlainLayerNorm(nn.Module):
    """LayerNorm without a learned scale and shift (adaLN supplies them). The unit scale and zero shift
    are non-persistent buffers, not absent: torch 1.13's ONNX export writes a LayerNormalization node
    without its scale input otherwise, which ONNX's checker refuses."""

    def __init__(self, d):
        super().__init__()
        self.d = d
        self.register_buffer("one", torch.ones(d), persistent=False)
        self.register_buffer("zero", torch.zeros(d), persistent=False)

    def forward(self, x):
        return F.layer_norm(x, (self.d,), self.one, self.zero, 1e-5)


def rope_tables(grid, head_dim, base=100.0):
    """3-D rotary position tables for tokens on a (t, h, w) grid in frame-major order: the head's channels
    split in three even parts rotated by the token's t, h and w index. cos/sin [n, head_dim]."""
    parts = [head_dim - 2 * (2 * head_dim // 6), 2 * head_dim // 6, 2 * head_dim // 6]
    gt, gh, gw = grid
    tt, hh, ww = torch.meshgrid(torch.arange(gt), torch.arange(gh), torch.arange(gw), indexing="ij")
    angles = []
    for pos, n in zip((tt, hh, ww), parts):
        freqs = base ** (-torch.arange(0, n, 2, dtype=torch.float32) / n)  # [n/2]
        a = pos.reshape(-1, 1).float() * freqs.reshape(1, -1)  # [N, n/2]
        angles.append(torch.cat([a, a], dim=1))  # rotate-half layout
    ang = torch.cat(angles, dim=1)
    return torch.cos(ang), torch.sin(ang), parts


def apply_rope(x, cos, sin, parts):
    """x [B, heads, N, hd] rotated per part (rotate-half within each part)."""
    out = []
    start = 0
    for n in parts:
        xp = x[..., start:start + n]
        half_ = n // 2
        rot = torch.cat([-xp[..., half_:], xp[..., :half_]], dim=-1)
        out.append(xp * cos[:, start:start + n] + rot * sin[:, start:start + n])
        start += n
    return torch.cat(out, dim=-1)


class JointAttention(nn.Module):
    """Self-attention over all the clip's tokens at once (space and time), with 3-D rotary positions: the
    score between two tokens depends on their offset in (t, h, w), so "the sprite moved by (dt, dx)" is the
    same pattern wherever it happens (factorised attention, spatial then temporal at the same place, cannot
    look at where a moving sprite went)."""

    def __init__(self, d, heads, grid):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.o = nn.Linear(d, d)
        cos, sin, parts = rope_tables(grid, d // heads)
        self.parts = parts
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def forward(self, x):
        b, n, d = x.shape
        hd = d // self.heads
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, hd).permute(2, 0, 3, 1, 4)  # [3, B, heads, N, hd]
        q = apply_rope(q, self.cos, self.sin, self.parts)
        k = apply_rope(k, self.cos, self.sin, self.parts)
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(hd)), dim=-1)
        return self.o(torch.matmul(att, v).transpose(1, 2).reshape(b, n, d))


def per_token(mod, t, s):
    """Modulation [B, D] (one for the clip) or [B, t, D] (one per temporal position) -> broadcastable to the
    tokens [B, t*s, D] (frame-major order)."""
    if mod.dim() == 2:
        return mod.unsqueeze(1)
    b, _, dd = mod.shape
    return mod.unsqueeze(2).expand(b, t, s, dd).reshape(b, t * s, dd)


class DenoiserBlock(nn.Module):
    """Spatial attention (per frame), temporal attention (per position) and an MLP, each pre-LN with
    adaptive LayerNorm (shift, scale) and a gate from the block's embedding (DiT's adaLN-zero), then
    cross-attention to [noise, fps, resolution tokens; C] with C's mask."""

    def __init__(self, d, heads, e, mlp=2, joint_grid=None, spacetime_grid=None):
        super().__init__()
        self.heads = heads
        # spacetime_grid: besides spatial then temporal attention, a space-time attention over all the clip's
        # tokens (JointAttention, 3-D rotary positions) after the cross-attention, so that a token can look
        # at where the sprite is in the other frames, with the prompt's motion already in its query; its output
        # projection starts at zero, so the branch joins a trained model silently
        self.st = None
        if spacetime_grid:
            self.nst = PlainLayerNorm(d)
            self.st = JointAttention(d, heads, spacetime_grid)
            nn.init.zeros_(self.st.o.weight)
            nn.init.zeros_(self.st.o.bias)
        # joint_grid: one attention over space and time with 3-D rotary positions (JointAttention) instead
        # of spatial then temporal attention
        self.joint = JointAttention(d, heads, joint_grid) if joint_grid else None
        self.mod = nn.Linear(e, 9 * d)
        nn.init.zeros_(self.mod.weight)
        nn.init.zeros_(self.mod.bias)
        self.ns = PlainLayerNorm(d)
        if self.joint is None:
            self.sa = SelfAttention(d, heads)
            self.nt = PlainLayerNorm(d)
            self.ta = SelfAttention(d, heads)
        self.nc = nn.LayerNorm(d)
        self.cq = nn.Linear(d, d)
        self.ckv = nn.Linear(d, 2 * d)
        self.co = nn.Linear(d, d)
        nn.init.zeros_(self.co.weight)
        nn.init.zeros_(self.co.bias)
        self.nm = PlainLayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, mlp * d), nn.GELU(), nn.Linear(mlp * d, d))

    def forward(self, x, t, s, ctx, bias, m):
        """x [B, t*s, d]; ctx [B, M, d]; bias [B, 1, 1, M]; m [B, e] or per frame [B, t, e] (already through
        SiLU)."""
        b, n, d = x.shape
        (sh1, sc1, g1, sh2, sc2, g2, sh3, sc3, g3) = per_token(self.mod(m), t, s).chunk(9, dim=-1)
        h = self.ns(x) * (1 + sc1) + sh1
        if self.joint is not None:
            x = x + g1 * self.joint(h)
        else:
            x = x + g1 * self.sa(h.reshape(b * t, s, d)).reshape(b, n, d)
            h = (self.nt(x) * (1 + sc2) + sh2).reshape(b, t, s, d).transpose(1, 2).reshape(b * s, t, d)
            x = x + g2 * self.ta(h, short=t <= 8).reshape(b, s, t, d).transpose(1, 2).reshape(b, n, d)
        k, v = self.ckv(ctx).chunk(2, dim=-1)
        x = x + self.co(attention(self.cq(self.nc(x)), k, v, self.heads, bias))
        if self.st is not None:
            x = x + self.st(self.nst(x))
        return x + g3 * self.mlp(self.nm(x) * (1 + sc3) + sh3)


class BaseDenoiser(nn.Module):
    """(x [B,3,16,36,64] = c_in * noisy, c_noise [B], context [B,L,128], context_mask [B,L], fps [B],
    resolution [B,2]) -> F [B,3,16,36,64].

    A U-Net's top level around a factorised space-time transformer: a convolutional stem at full
    resolution (features of width `c`), patches of `patch` voxels as tokens, transformer blocks with
    adaLN-zero from the embedding of (c_noise, fps, resolution, masked mean of C) and cross-attention
    to C, the tokens unpatchified back to width-`c` features, added to the stem's (the skip), and a
    3-D convolution to F. The skip gives the per-pixel path that removing small noise needs; the
    transformer carries the layout, motion and the prompt."""

    def __init__(self, d=128, depth=4, heads=4, e=128, mlp=2, c=24, patch=(2, 6, 8), cond_dim=COND_DIM,
                 frames=FRAMES, height=BASE_H, width=BASE_W, pool=0, frame_mod=False, joint=False, aux=False,
                 smooth=False, spacetime=False, layout=False, layout_pixel=False, layout_look=False):
        super().__init__()
        pt, ph, pw = patch
        self.patch_size = tuple(patch)
        self.grid = (frames // pt, height // ph, width // pw)
        self.d = d
        self.c = c
        self.stem = nn.Sequential(nn.Conv3d(3, c, (1, 3, 3), padding=(0, 1, 1)), nn.SiLU(),
                                  nn.Conv3d(c, c, (1, 3, 3), padding=(0, 1, 1)))
        self.patch = nn.Conv3d(c, d, self.patch_size, stride=self.patch_size)
        self.pos_t = nn.Parameter(torch.randn(self.grid[0], d) * 0.02)
        self.pos_h = nn.Parameter(torch.randn(self.grid[1], d) * 0.02)
        self.pos_w = nn.Parameter(torch.randn(self.grid[2], d) * 0.02)
        self.cond = CondEmbed(d, e)
        # a summary of C joins the noise/fps/resolution embedding that drives adaLN: the direct path for
        # global attributes of the prompt (background colour, motion, the subject's look), besides
        # cross-attention. pool=0: the masked mean of C (the first ViMi-tiny); pool=P: attention pooling
        # with P learned queries, each free to find one thing (the motion words, the colour word, the
        # subject's image tokens) that a mean over ~85 positions dilutes to a few percent
        self.n_pool = pool
        if pool:
            self.pool_q = nn.Parameter(torch.randn(pool, d) * 0.02)
            self.pool_norm = nn.LayerNorm(cond_dim)
            self.pool_k = nn.Linear(cond_dim, d)
            self.pool_v = nn.Linear(cond_dim, d)
            self.pool = nn.Linear(pool * d, e)
        else:
            self.pool = nn.Linear(cond_dim, e)
        self.ctx = nn.Sequential(nn.LayerNorm(cond_dim), nn.Linear(cond_dim, d))
        # frame_mod: adaLN from an embedding per temporal position, the clip's embedding mixed with the
        # position's, so that what the prompt says can modulate frame t differently from frame t' (where the
        # sprite is at time t: the motion); the mixer's last layer starts at zero (the clip's embedding alone)
        self.frame_mod = frame_mod
        if frame_mod:
            self.time_emb = nn.Parameter(torch.randn(self.grid[0], e) * 0.02)
            self.frame_mix = nn.Sequential(nn.Linear(2 * e, e), nn.SiLU(), nn.Linear(e, e))
            nn.init.zeros_(self.frame_mix[2].weight)
            nn.init.zeros_(self.frame_mix[2].bias)
        self.blocks = nn.ModuleList([DenoiserBlock(d, heads, e, mlp, self.grid if joint else None,
                                                   self.grid if spacetime else None)
                                     for _ in range(depth)])
        self.norm_out = PlainLayerNorm(d)
        self.mod_out = nn.Linear(e, 2 * d)
        nn.init.zeros_(self.mod_out.weight)
        nn.init.zeros_(self.mod_out.bias)
        self.out = nn.Linear(d, c * pt * ph * pw)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.head = nn.Conv3d(c, 3, 3, padding=1)
        self.linear = LinearDenoisePath(3, c)
        # aux: a training-only head on the same features, predicting where the clean clip's sprite is (a mask
        # logit) and its colours there. Its loss puts weight on the sprite's few pixels without biasing F: F's
        # own head is still trained on the unweighted EDM loss, whose optimum is the conditional mean. Not in
        # the exported graphs (forward returns F; forward_aux returns both).
        if aux:
            self.aux_head = nn.Conv3d(c, 4, 3, padding=1)
        if smooth:
            self.smooth = WideSmoothing(c)
        # layout: a prior of where the sprite is in every frame, read from the prompt alone: an MLP from C's
        # summary to one logit per token (temporal x spatial grid), trained (train.py --layout) towards the
        # share of each token's pixels the clean clip's sprite covers, i.e. towards E[coverage | prompt], a
        # function of the conditioning only, so feeding it to the denoiser biases nothing. Its probability
        # enters every token through a learned vector that starts at zero. The motion words decide this
        # map frame by frame, which the denoiser's own layers had not learned to do from the adaLN summary.
        if layout:
            n_tok = self.grid[0] * self.grid[1] * self.grid[2]
            self.layout_mlp = nn.Sequential(nn.Linear((pool * d) if pool else cond_dim, 256), nn.SiLU(),
                                            nn.Linear(256, n_tok))
            self.layout_in = nn.Parameter(torch.zeros(d))
        # layout_pixel: the same prior also at full resolution (its probability resized trilinearly from the
        # token grid to every voxel) added to the stem's features through a vector that starts at zero. The
        # skip carries it to the head's convolution directly: a rendering path of one layer from "where the
        # prompt puts the sprite" to the output, which the token vector (four transformer blocks and the
        # unpatchify away) did not open within ~9k clips.
        if layout and layout_pixel:
            self.layout_px = nn.Parameter(torch.zeros(c))
            # trilinear resizing (align_corners=False) is separable: one constant matrix per axis, so the
            # exported graphs hold three matmuls instead of a 5-D Resize (not persistent: derived from the grid)
            for name, n_out, n_in in (("rs_t", frames, self.grid[0]), ("rs_h", height, self.grid[1]),
                                      ("rs_w", width, self.grid[2])):
                eye = torch.eye(n_in).unsqueeze(0)  # [1, n_in (channels), n_in]
                m = F.interpolate(eye, size=n_out, mode="linear", align_corners=False)[0].t().contiguous()
                self.register_buffer(name, m, persistent=False)  # [n_out, n_in]
        # layout_look: what the pixel path paints, from the prompt: a query of its own attends over C (the
        # subject's image tokens, retrieved or given, and its words) and a zero-initialised projection turns
        # the result into a c-vector added to layout_px, so the prior's map at full resolution carries the
        # subject's look (colours, at this resolution) to the head in one layer, as it carries the motion
        if layout_look:
            if not (layout and layout_pixel and pool):
                raise ValueError("layout_look needs layout, layout_pixel and pool > 0")
            self.look_q = nn.Parameter(torch.randn(d) * 0.02)
            self.look_out = nn.Linear(d, c)
            nn.init.zeros_(self.look_out.weight)
            nn.init.zeros_(self.look_out.bias)

    def layout_map(self, context, context_mask):
        """The layout prior's probability map [B, gt, gh, gw] for a conditioning (the model needs --layout)."""
        b = context.shape[0]
        return torch.sigmoid(self.layout_mlp(self.summary(context, context_mask))).reshape((b,) + self.grid)

    def summary(self, context, context_mask):
        """C [B, L, cond_dim] with its mask [B, L] -> [B, pool * d] (or [B, cond_dim]: the masked mean).
        An empty conditioning (all-zero mask) gives zeros either way."""
        return self.pooled(context, context_mask)[0]

    def pooled(self, context, context_mask):
        """(summary [B, pool * d], look [B, c] or None). The look (layout_look: what the layout pixel path paints)
        is one more query, look_q, beside the pooling's, over the same keys and values, projected to c channels;
        zeros for an empty conditioning, as the summary."""
        if not self.n_pool:
            masked_mean = (context * context_mask.unsqueeze(-1)).sum(1) / torch.clamp(context_mask.sum(1, keepdim=True), min=1.0)
            return masked_mean, None
        b = context.shape[0]
        h = self.pool_norm(context)
        k = self.pool_k(h)  # [B, L, d]
        v = self.pool_v(h)
        with_look = hasattr(self, "look_q")
        q = torch.cat([self.pool_q, self.look_q.unsqueeze(0)], dim=0) if with_look else self.pool_q  # [P(+1), d]
        att = torch.matmul(q.unsqueeze(0), k.transpose(1, 2)) * (1.0 / math.sqrt(self.d))  # [B, P(+1), L]
        att = att + ((context_mask - 1.0) * 1e9).unsqueeze(1)
        att = torch.softmax(att, dim=-1) * torch.clamp(context_mask.sum(1), max=1.0).reshape(b, 1, 1)
        out = torch.matmul(att, v)  # [B, P(+1), d]
        if not with_look:
            return out.reshape(b, -1), None
        return out[:, :self.n_pool].reshape(b, -1), self.look_out(out[:, self.n_pool])

    def forward(self, x, c_noise, context, context_mask, fps, resolution):
        return self.forward_aux(x, c_noise, context, context_mask, fps, resolution)[0]

    def forward_aux(self, x, c_noise, context, context_mask, fps, resolution):
        """(F, aux, layout): aux [B, 4, T, H, W] (the sprite-mask logit and the sprite's colours) in training
        with the sprite head, else None; layout [B, gt*gh*gw] logits with the layout prior, else None."""
        b = x.shape[0]
        gt, gh, gw = self.grid
        pt, ph, pw = self.patch_size
        d, c = self.d, self.c
        skip = self.stem(x)
        toks, m = self.cond(c_noise, fps, resolution)
        summ, look = self.pooled(context, context_mask)
        m = m + self.pool(summ)
        layout = None
        if hasattr(self, "layout_mlp"):
            layout = self.layout_mlp(summ)  # [B, gt*gh*gw], frame-major as the tokens
            lay_p = torch.sigmoid(layout)
        if hasattr(self, "layout_px"):
            prob = lay_p.reshape(b, gt, gh, gw)
            prob = torch.matmul(torch.matmul(self.rs_h, prob), self.rs_w.t())  # [B, gt, H, W]
            hh, ww = prob.shape[2], prob.shape[3]
            prob = torch.matmul(self.rs_t, prob.reshape(b, gt, hh * ww)).reshape(b, 1, gt * pt, hh, ww)
            paint = self.layout_px.reshape(1, c, 1, 1, 1)
            if look is not None:
                paint = paint + look.reshape(b, c, 1, 1, 1)
            skip = skip + prob * paint
        h = self.patch(skip).flatten(2).transpose(1, 2)  # [B, gt*gh*gw, d]
        pos = (self.pos_t.reshape(gt, 1, 1, d) + self.pos_h.reshape(1, gh, 1, d) + self.pos_w.reshape(1, 1, gw, d))
        h = h + pos.reshape(1, gt * gh * gw, d)
        if layout is not None:
            h = h + lay_p.unsqueeze(-1) * self.layout_in
        if self.frame_mod:
            mt = m.unsqueeze(1).expand(b, gt, m.shape[1])
            te = self.time_emb.unsqueeze(0).expand(b, gt, m.shape[1])
            m = mt + self.frame_mix(torch.cat([mt, te], dim=-1))
        m = F.silu(m)
        ctx = torch.cat([toks, self.ctx(context)], dim=1)  # [B, 3+L, d]
        # the three conditioning tokens are always visible (ones from arithmetic on an input, not ones_like: a trace
        # bakes ones_like's device into the graph)
        full = torch.cat([context_mask[:, :3] * 0.0 + 1.0, context_mask], dim=1)
        bias = ((full - 1.0) * 1e9).reshape(b, 1, 1, -1)
        for blk in self.blocks:
            h = blk(h, gt, gh * gw, ctx, bias, m)
        shift, scale = per_token(self.mod_out(m), gt, gh * gw).chunk(2, dim=-1)
        h = self.out(self.norm_out(h) * (1 + scale) + shift)  # [B, N, c*pt*ph*pw]
        h = h.reshape(b, gt, gh, gw, c, pt, ph, pw).permute(0, 4, 1, 5, 2, 6, 3, 7)
        h = F.silu(h.reshape(b, c, gt * pt, gh * ph, gw * pw) + skip)
        out = self.head(h) + self.linear(x, h, c_noise.reshape(b, 1, 1, 1, 1))
        if hasattr(self, "smooth"):
            out = out + self.smooth(x, h, c_noise.reshape(b, 1, 1, 1, 1))
        return out, (self.aux_head(h) if hasattr(self, "aux_head") and self.training else None), layout


# ------------------------------------------------------------------------------------------------
# upsampler


class UpBlock(nn.Module):
    def __init__(self, c, e):
        super().__init__()
        self.n1 = nn.GroupNorm(8, c)
        self.c1 = nn.Conv2d(c, c, 3, padding=1)
        self.n2 = nn.GroupNorm(8, c)
        self.c2 = nn.Conv2d(c, c, 3, padding=1)
        self.film = nn.Linear(e, 2 * c)
        self.temporal = nn.Conv1d(c, c, 3, padding=1)

    def forward(self, h, m, b, t):
        """h [B*T, C, H, W]; m [B*T, e]."""
        scale, shift = self.film(m).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
        y = self.c1(F.silu(self.n1(h)))
        y = self.n2(y) * (1 + scale) + shift
        y = self.c2(F.silu(y))
        h = h + y
        bt, c, hh, ww = h.shape
        z = h.reshape(b, t, c, hh * ww).permute(0, 3, 2, 1).reshape(b * hh * ww, c, t)
        z = self.temporal(z).reshape(b, hh * ww, c, t).permute(0, 3, 2, 1).reshape(bt, c, hh, ww)
        return h + z


class LowResPrior(nn.Module):
    """The Gaussian posterior mean of the high-res clip given the low-res one, in EDM's F.

    If the clip is the resized low-res video plus a residual r ~ N(0, s^2) per pixel, the best estimate
    of it from the noisy input x_n = clip + sigma n is D = low + s^2 / (s^2 + sigma^2) (x_n - low): the
    low-res video where the noise dominates, the input where it does not. Returned as the F that gives
    this D (F = (D - c_skip x_n) / c_out), so a network that adds to it starts as this estimate instead of
    having to learn to copy its low-res input first (the first 2x stages, trained 11k clips without it,
    were 5x worse than a plain trilinear resize at sigma 1-4 and took the evaluation's identity from 99%
    to 14% on true base-size clips).

    s is a map, per pixel and frame, read from the low-res video by a small convolution: where the low-res
    video is flat (the background) the clip is the low-res video itself, s goes to 0 and nothing is drawn
    there; near edges s stays large. (One s for the whole frame, the first version, made the sampler draw
    noise of that std everywhere: frame-to-frame difference 0.039 where a resize gives 0.004.) The map starts
    at 0.05 everywhere (the std of a trilinear resize's error on ViMi-tiny's clips) and is trained by the
    Gaussian likelihood of the residual (train.py), besides the denoising loss."""

    def __init__(self, s=0.05, channels=3, hidden=16, sigma_data=SIGMA_DATA):
        super().__init__()
        self.sigma_data = sigma_data
        self.log_s2 = nn.Sequential(nn.Conv3d(channels, hidden, 3, padding=1), nn.SiLU(),
                                    nn.Conv3d(hidden, 1, 3, padding=1))
        nn.init.zeros_(self.log_s2[2].weight)
        nn.init.constant_(self.log_s2[2].bias, 2.0 * math.log(s))

    def log_var(self, low_res):
        """log s^2 [B, 1, T, H, W], kept within (-14, 0) (s from 0.001 to 1) by a smooth bound (a hard clamp
        stops the gradient of a map that overshoots, and it stays there)."""
        return 7.0 * torch.tanh((self.log_s2(low_res) + 7.0) / 7.0) - 7.0

    def nll(self, clip, low_res):
        """The Gaussian negative log-likelihood (per pixel, mean, up to a constant) of clip - low_res under the
        map: what trains s directly (train.py)."""
        log_s2 = self.log_var(low_res)
        return 0.5 * (log_s2 + (clip - low_res).pow(2) * torch.exp(-log_s2)).mean()

    def forward(self, x, low_res, c_noise):
        """x = c_in * noisy input [B, C, T, H, W]; low_res: the same shape; c_noise [B]."""
        sigma = torch.exp(4.0 * c_noise).reshape(-1, 1, 1, 1, 1)
        noisy = x / c_in(sigma, self.sigma_data)
        s2 = torch.exp(self.log_var(low_res))
        d = low_res + s2 / (s2 + sigma * sigma) * (noisy - low_res)
        return (d - c_skip(sigma, self.sigma_data) * noisy) / c_out(sigma, self.sigma_data)

    @staticmethod
    def in_weights(state_dict):
        """Whether a 2x stage's weights (a state_dict, or a TorchScript file's) hold this prior."""
        return "low_res_prior.log_s2.0.weight" in state_dict


class Upsampler(nn.Module):
    """(x [B,3,16,72,128] = c_in * noisy, low_res [B,3,16,72,128], c_noise [B]) -> F.

    Per frame: residual blocks (FiLM from the noise level, a temporal convolution across frames) at
    4x4 space-to-depth of (noisy video, base video resized trilinearly), back to width-`c` features at
    full resolution, added to a full-resolution stem over the same inputs (the skip that carries the
    per-pixel detail the space-to-depth blocks are too narrow for), and a 3x3 convolution to F. With
    prior=True, F is added to LowResPrior's, and the output convolution starts at zero: the stage starts as
    the Gaussian estimate from the resized low-res video and learns what that estimate misses."""

    def __init__(self, width=48, depth=4, e=64, s2d=4, c=16, prior=False):
        super().__init__()
        self.s2d = s2d
        self.prior = prior
        cin = 2 * 3 * s2d * s2d
        self.stem = nn.Sequential(nn.Conv2d(6, c, 3, padding=1), nn.SiLU(), nn.Conv2d(c, c, 3, padding=1))
        self.inp = nn.Conv2d(cin, width, 3, padding=1)
        self.emb = nn.Sequential(nn.Linear(32, e), nn.SiLU(), nn.Linear(e, e), nn.SiLU())
        self.blocks = nn.ModuleList([UpBlock(width, e) for _ in range(depth)])
        self.norm = nn.GroupNorm(8, width)
        self.out = nn.Conv2d(width, c * s2d * s2d, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.head = nn.Conv2d(c, 3, 3, padding=1)
        self.linear = LinearDenoisePath(6, c, dims=2)
        self.register_buffer("freq_noise", fourier_freqs(16, 64.0), persistent=False)
        if prior:
            # the network learns a correction to LowResPrior's estimate and starts silent (F = the prior's)
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)
            self.low_res_prior = LowResPrior()

    def forward(self, x, low_res, c_noise):
        b, c, t, h, w = x.shape
        s = self.s2d
        full = torch.cat([x, low_res], dim=1).transpose(1, 2).reshape(b * t, 2 * c, h, w)
        y = F.pixel_unshuffle(full, s)
        m = self.emb(fourier(c_noise, self.freq_noise))
        m = m.unsqueeze(1).expand(b, t, m.shape[1]).reshape(b * t, m.shape[1])
        y = self.inp(y)
        for blk in self.blocks:
            y = blk(y, m, b, t)
        y = F.pixel_shuffle(self.out(F.silu(self.norm(y))), s)
        y = F.silu(y + self.stem(full))
        cn = c_noise.reshape(b, 1).expand(b, t).reshape(b * t, 1, 1, 1)
        # the low-res video enters the linear path as it is (it carries no noise to divide out); only the
        # noisy input is un-scaled by the path's gain, so the low-res half is multiplied back by c_in
        sigma = torch.exp(4.0 * cn)
        c_in = 1.0 / torch.sqrt(sigma * sigma + SIGMA_DATA ** 2)
        lin_in = torch.cat([full[:, :c], full[:, c:] * c_in], dim=1)
        y = self.head(y) + self.linear(lin_in, y, cn)
        y = y.reshape(b, t, c, h, w).transpose(1, 2)
        if self.prior:
            y = y + self.low_res_prior(x, low_res, c_noise)
        return y


def load_torchscript_weights(module, path):
    """Loads the weights of a bundle's TorchScript file into `module` (an nn.Module of the same class). A traced
    file keeps every buffer, the non-persistent ones too (e.g. the Fourier frequencies), which the module's
    state_dict leaves out: those are derived, not weights, and are skipped; any other difference is an error."""
    own = module.state_dict()
    traced = torch.jit.load(path, map_location="cpu").state_dict()
    derived = {n for n, _ in module.named_buffers() if n not in own}
    module.load_state_dict({k: v for k, v in traced.items() if k not in derived})
    return module


def load(path, map_location=None):
    """torch.load of this recipe's own files (checkpoints hold the optimizer state and the run's bookkeeping),
    on PyTorch 1.13 (Debian) as on 2.x, where weights_only became the default."""
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except TypeError:
        return torch.load(path, map_location=map_location)


def count_params(m):
    return sum(p.numel() for p in m.parameters())
