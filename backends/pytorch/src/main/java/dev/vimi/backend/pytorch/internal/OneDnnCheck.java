package dev.vimi.backend.pytorch.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.vimi.spi.BackendException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch's oneDNN (mkldnn) CPU convolutions: checked once per process, and switched off where they are wrong.
 *
 * <p>Why: libtorch 2.7.1 (pytorch-native-cpu, oneDNN 3.7.1) picks oneDNN's {@code jit:avx512_core} fp32 direct
 * convolution on AVX-512 CPUs. On some of them (seen on an AMD EPYC with AVX-512, where TorchScript's output
 * differed from PyTorch's by up to 0.15 per call and the cascade's video by 0.96) that kernel returns wrong
 * values, sometimes NaN, whenever the input channel count is not a multiple of 16 and above 16 (e.g. a 3x3
 * convolution over 24 or 40 channels): the channels padded up to the 16-wide block are read as if they held data.
 * Capping oneDNN at AVX2 (environment variable {@code ONEDNN_MAX_CPU_ISA=AVX2}, read once when the process
 * starts) or switching oneDNN off for convolutions gives correct values; PyTorch's own CPU path (im2col plus
 * BLAS) is what libtorch runs when {@code at::globalContext().setUserEnabledMkldnn(false)} is set, the switch
 * behind Python's {@code torch.backends.mkldnn.enabled}. DJL exposes no call for it, so this class calls the
 * exported libtorch function through JNA.
 *
 * <p>Modes ({@code mkldnn} configuration key): {@code auto} (the default) runs {@link #probe} once per
 * process on the CPU (a few small convolutions with channel tails against a plain double-precision
 * convolution) and switches oneDNN off only if it fails, then re-checks; {@code off} switches it off without
 * a check; {@code on} leaves libtorch as it is. The switch is process-wide (libtorch's global context): it
 * applies to every libtorch user of the JVM and is never switched back on.
 */
final class OneDnnCheck {
  private static final Logger LOG = LoggerFactory.getLogger(OneDnnCheck.class);
  /** |libtorch - reference| above this on the probe means a broken kernel (correct ones differ by ~1e-6). */
  static final double TOLERANCE = 1e-3;
  /** Input channel counts of the probe: tails of 8 and 4 over the 16-wide block, and a block multiple. */
  private static final int[] PROBE_CHANNELS = {24, 20, 40, 16};

  /** The {@code mkldnn} key's values. */
  enum Mode {
    AUTO, ON, OFF;

    static Mode parse(String s, String key) {
      return switch (s) {
        case "auto" -> AUTO;
        case "on" -> ON;
        case "off" -> OFF;
        default -> throw new IllegalArgumentException("'" + key + "' must be auto, on or off, not '" + s + "'");
      };
    }
  }

  /** Whether this process already checked (or switched off) oneDNN; later denoisers reuse the decision. */
  private static boolean settled;

  private OneDnnCheck() {}

  /** Applies the mode once per process (the first CPU denoiser's); {@code who} names the denoiser in messages. */
  static synchronized void apply(Mode mode, String who) {
    if (mode == Mode.ON) {
      return;
    }
    if (mode == Mode.OFF) {
      if (mkldnnEnabled(who)) {
        disable(who);
        LOG.info("{}: libtorch's oneDNN (mkldnn) CPU kernels switched off for this process (mkldnn=off)", who);
      }
      settled = true;
      return;
    }
    if (settled) {
      return;
    }
    double err = probe();
    if (err > TOLERANCE) {
      disable(who);
      double after = probe();
      if (after > TOLERANCE) {
        throw new BackendException(
            who + ": libtorch's CPU convolution is wrong on this machine (max |error| " + after + " on a 3x3 "
                + "convolution, with and without oneDNN); this libtorch cannot run the model here");
      }
      LOG.warn(
          "{}: libtorch's oneDNN convolution returns wrong values on this CPU (max |error| {} on a 3x3 convolution "
              + "whose input channels are not a multiple of 16; with oneDNN off: {}), so oneDNN (mkldnn) is switched "
              + "off for this process: convolutions take PyTorch's own CPU path (slower). Starting the JVM with "
              + "ONEDNN_MAX_CPU_ISA=AVX2 avoids the broken kernel and keeps oneDNN; see backends/pytorch/README.md",
          who, err, after);
    }
    settled = true;
  }

  /**
   * The largest |libtorch - reference| over a few small 3x3 convolutions (batch 4, 8x8, 16 output channels,
   * the input channels of {@link #PROBE_CHANNELS}) on the CPU, the reference computed here in double precision.
   * NaN or infinite outputs count as an infinite error.
   */
  static double probe() {
    int mb = 4, h = 8, w = 8, oc = 16;
    double worst = 0;
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      for (int ic : PROBE_CHANNELS) {
        float[] x = values(mb * ic * h * w, 17 + ic);
        float[] k = values(oc * ic * 9, 91 + ic);
        NDArray out =
            Conv2d.conv2d(m.create(x, new Shape(mb, ic, h, w)), m.create(k, new Shape(oc, ic, 3, 3)), null,
                    new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                .singletonOrThrow();
        float[] got = out.toFloatArray();
        for (int n = 0; n < mb; n++) {
          for (int o = 0; o < oc; o++) {
            for (int y = 0; y < h; y++) {
              for (int xx = 0; xx < w; xx++) {
                double s = 0;
                for (int c = 0; c < ic; c++) {
                  for (int ky = 0; ky < 3; ky++) {
                    int iy = y + ky - 1;
                    if (iy < 0 || iy >= h) {
                      continue;
                    }
                    for (int kx = 0; kx < 3; kx++) {
                      int ix = xx + kx - 1;
                      if (ix >= 0 && ix < w) {
                        s += (double) x[((n * ic + c) * h + iy) * w + ix] * k[((o * ic + c) * 3 + ky) * 3 + kx];
                      }
                    }
                  }
                }
                double g = got[((n * oc + o) * h + y) * w + xx];
                double e = Double.isFinite(g) ? Math.abs(g - s) : Double.POSITIVE_INFINITY;
                worst = Math.max(worst, e);
              }
            }
          }
        }
      }
    }
    return worst;
  }

  /** Deterministic values in [-1, 1) (a linear congruential sequence), so the probe needs no RNG state. */
  private static float[] values(int n, long seed) {
    float[] v = new float[n];
    long s = seed;
    for (int i = 0; i < n; i++) {
      s = s * 6364136223846793005L + 1442695040888963407L;
      v[i] = (float) ((s >>> 40) / (double) (1L << 24) * 2.0 - 1.0);
    }
    return v;
  }

  /** Whether libtorch's global context has oneDNN on ({@code at::Context::userEnabledMkldnn}). */
  static synchronized boolean mkldnnEnabled(String who) {
    Native n = Native.get(who);
    return n.enabled.invokeInt(new Object[] {n.context}) != 0;
  }

  private static void disable(String who) {
    Native n = Native.get(who);
    n.set.invokeVoid(new Object[] {n.context, Boolean.FALSE});
    if (n.enabled.invokeInt(new Object[] {n.context}) != 0) {
      throw new BackendException(who + ": libtorch did not switch oneDNN (mkldnn) off");
    }
  }

  /** libtorch's global context and its oneDNN switch, looked up in the libtorch DJL loaded. */
  private record Native(Pointer context, Function enabled, Function set) {
    static Native get(String who) {
      Path lib = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
      try {
        NativeLibrary l = NativeLibrary.getInstance(lib.toString());
        Pointer ctx = l.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        return new Native(
            ctx, l.getFunction("_ZNK2at7Context17userEnabledMkldnnEv"), l.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb"));
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        throw new BackendException(
            who + ": cannot reach libtorch's oneDNN switch (at::Context::setUserEnabledMkldnn) in " + lib + " ("
                + e.getMessage() + "); set mkldnn=on to leave libtorch as it is, and start the JVM with "
                + "ONEDNN_MAX_CPU_ISA=AVX2 if its convolutions are wrong on this CPU",
            e);
      }
    }
  }
}
