package dev.vimi.compat.reference;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import dev.vimi.spi.SelfTestSetup;
import dev.vimi.spi.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Provider {@code hashing}: a deterministic, model-free condition encoder. Each word becomes a
 * pseudo-random unit vector seeded by the word (feature hashing), each image a fixed random projection
 * of its 4x4 average colours, plus a sinusoidal position code; the sequence is padded to a fixed
 * length with a mask. It captures which words and images a prompt holds, not what they mean: a
 * reference provider for tests and pipelines without a trained encoder.
 *
 * <p>Configuration: {@code length} (L, default 32), {@code dim} (D, default 64) and {@code truncate}
 * (default false). A prompt with more tokens than L is rejected with the count, unless {@code
 * truncate} is true: then its first L tokens are kept. A model bundle's encoder settings (the
 * {@link ProviderContext#section() context's section}) may give all three; the operator's keys win.
 * Any other key, in either, is refused with the closest known one.
 */
public final class HashingConditionEncoderProvider implements ConditionEncoderProvider {
  public static final String NAME = "hashing";

  @Override
  public String name() {
    return NAME;
  }

  /** -100: a reference provider is never preferred over a real one. */
  @Override
  public int priority() {
    return -100;
  }

  @Override
  public String description() {
    return "feature-hashing text and image encoder (reference for tests)";
  }

  @Override
  public ConditionEncoder create(ProviderConfig config) {
    return create(config, ProviderContext.none());
  }

  /** The keys this provider reads, from the operator or from the bundle; any other is refused. */
  static final List<String> KEYS = List.of("length", "dim", "truncate");

  @Override
  public ConditionEncoder create(ProviderConfig config, ProviderContext context) {
    config.requireKnownKeys(KEYS);
    ProviderConfig bundle = context.sectionConfig(config.owner()).requireKnownKeys(KEYS);
    int length = config.getInt("length", bundle.getInt("length", 32, 1, 4096), 1, 4096);
    int dim = config.getInt("dim", bundle.getInt("dim", 64, 2, 4096), 2, 4096);
    return new HashingEncoder(length, dim, config.getBoolean("truncate", bundle.getBoolean("truncate", false)));
  }

  @Override
  public Optional<SelfTestSetup> selfTest(Path workDir) {
    return Optional.of(SelfTestSetup.of(ProviderConfig.empty("encoder " + NAME)));
  }

  /** Immutable, hence thread-safe. */
  private static final class HashingEncoder implements ConditionEncoder {
    private final int length;
    private final int dim;
    private final boolean truncate;
    private final float[][] imageProjection;

    HashingEncoder(int length, int dim, boolean truncate) {
      this.length = length;
      this.dim = dim;
      this.truncate = truncate;
      SplittableRandom r = new SplittableRandom(0x1A6E);
      imageProjection = new float[48][dim];
      for (float[] row : imageProjection) {
        for (int k = 0; k < dim; k++) {
          row[k] = (float) ((r.nextDouble() * 2 - 1) / Math.sqrt(48));
        }
      }
    }

    @Override
    public Conditioning encode(MultimodalPrompt prompt) {
      if (prompt.isBlank()) {
        throw new InvalidInputException("prompt", "the prompt is empty; give some text or an image");
      }
      List<float[]> tokens = new ArrayList<>();
      for (PromptSegment s : prompt.segments()) {
        switch (s) {
          case PromptSegment.Text t -> {
            for (String w : t.text().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) {
              if (!w.isEmpty()) {
                tokens.add(word(w));
              }
            }
          }
          case PromptSegment.Image i -> tokens.add(image(i.image()));
        }
      }
      if (tokens.size() > length && truncate) {
        tokens = tokens.subList(0, length);
      }
      if (tokens.size() > length) {
        throw new InvalidInputException(
            "prompt", "the prompt has " + tokens.size() + " tokens but this encoder takes at most " + length
                + " (set truncate=true to keep the first " + length + ")");
      }
      float[] data = new float[length * dim];
      float[] mask = new float[length];
      for (int t = 0; t < tokens.size(); t++) {
        float[] v = tokens.get(t);
        for (int k = 0; k < dim; k++) {
          double pos = (k % 2 == 0 ? Math.sin(t / Math.pow(100, (double) k / dim)) : Math.cos(t / Math.pow(100, (k - 1.0) / dim)));
          data[t * dim + k] = (float) (v[k] + 0.1 * pos);
        }
        mask[t] = 1f;
      }
      return new Conditioning(Tensor.of(data, length, dim), Tensor.of(mask, length));
    }

    private float[] word(String w) {
      SplittableRandom r = new SplittableRandom(w.hashCode() * 0x9E3779B97F4A7C15L);
      float[] v = new float[dim];
      double norm = 0;
      for (int k = 0; k < dim; k++) {
        double g = r.nextDouble() * 2 - 1;
        v[k] = (float) g;
        norm += g * g;
      }
      double inv = 1 / Math.sqrt(norm);
      for (int k = 0; k < dim; k++) {
        v[k] = (float) (v[k] * inv);
      }
      return v;
    }

    private float[] image(ImageRef ref) {
      BufferedImage img = decode(ref);
      double[] feat = new double[48];
      int w = img.getWidth();
      int h = img.getHeight();
      int[] counts = new int[16];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int cell = (y * 4 / h) * 4 + (x * 4 / w);
          int rgb = img.getRGB(x, y);
          feat[cell * 3] += ((rgb >> 16) & 0xFF) / 255.0;
          feat[cell * 3 + 1] += ((rgb >> 8) & 0xFF) / 255.0;
          feat[cell * 3 + 2] += (rgb & 0xFF) / 255.0;
          counts[cell]++;
        }
      }
      float[] v = new float[dim];
      for (int f = 0; f < 48; f++) {
        double val = counts[f / 3] == 0 ? 0 : feat[f] / counts[f / 3] - 0.5;
        for (int k = 0; k < dim; k++) {
          v[k] += (float) (val * imageProjection[f][k]);
        }
      }
      return v;
    }

    private static BufferedImage decode(ImageRef ref) {
      try {
        BufferedImage img =
            switch (ref) {
              case ImageRef.OfPixels p -> {
                BufferedImage b = new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_INT_ARGB);
                b.setRGB(0, 0, p.width(), p.height(), p.argb(), 0, p.width());
                yield b;
              }
              case ImageRef.OfBytes b -> ImageIO.read(new ByteArrayInputStream(b.data()));
              case ImageRef.OfPath p -> ImageIO.read(Files.newInputStream(p.path()));
              case ImageRef.OfUri u -> {
                try (InputStream in = u.uri().toURL().openStream()) {
                  yield ImageIO.read(in);
                }
              }
            };
        if (img == null) {
          throw new InvalidInputException("image", ref.describe() + " is not an image ImageIO can decode (PNG, JPEG, GIF, BMP)");
        }
        return img;
      } catch (IOException e) {
        throw new BackendException("cannot read image " + ref.describe() + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Conditioning empty() {
      return Conditioning.empty(length, dim);
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public int dim() {
      return dim;
    }

    @Override
    public void close() {
      // nothing to release
    }
  }
}
