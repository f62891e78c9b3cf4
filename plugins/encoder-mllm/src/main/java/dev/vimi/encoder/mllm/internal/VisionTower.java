package dev.vimi.encoder.mllm.internal;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import java.util.Map;

/**
 * The vision tower and the projector W: a preprocessed image in, P tokens as wide as the language
 * model's sequence out. Owns both graphs. Thread-safe; closed by its owner.
 */
public final class VisionTower implements VisionPath {
  private final Graph vision;
  private final Graph projector;
  private final ModelResource visionSource;
  private final int imageSize;

  private VisionTower(Graph vision, Graph projector, ModelResource visionSource, int imageSize) {
    this.vision = vision;
    this.projector = projector;
    this.visionSource = visionSource;
    this.imageSize = imageSize;
  }

  static VisionTower open(EncoderSettings s, Opened opened) {
    String owner = s.owner();
    ModelResource source = s.vision().orElseThrow();
    Graph vision = opened.track(Graph.load(owner, "vision tower", source, s.engine(), s.threads(), s.spinning(), Graph.Signature.single("pixel_values")));
    Graph projector =
        opened.track(Graph.load(owner, "projector", s.projector().orElseThrow(), s.engine(), s.threads(), s.spinning(), Graph.Signature.single("image_features")));
    return new VisionTower(vision, projector, source, s.imageSize());
  }

  @Override
  public boolean present() {
    return true;
  }

  @Override
  public int probe(String owner, int width, String target) {
    int s = imageSize;
    Graph.Output v = vision.run(Map.of("pixel_values", Graph.Input.of(new float[3 * s * s], 1, 3, s, s)));
    if (v.shape().length != 3) {
      throw new ConfigurationException(
          owner + ": the vision tower " + visionSource.describe() + " returns shape " + Graph.shape(v.shape())
              + " but [batch, patches, width] is expected; check model.vision and model.image_size");
    }
    Graph.Output p = projector.run(Map.of("image_features", Graph.Input.of(v.values(), v.shape())));
    Graph.checkWidth(owner, "projector (model.projector)", p.dim(-1), target, width);
    return p.dim(1);
  }

  @Override
  public float[] imageTokens(float[] pixels, String what, int tokensPerImage) {
    int s = imageSize;
    Graph.Output v = vision.run(Map.of("pixel_values", Graph.Input.of(pixels, 1, 3, s, s)));
    Graph.Output p = projector.run(Map.of("image_features", Graph.Input.of(v.values(), v.shape())));
    if (p.shape().length != 3 || p.dim(0) != 1 || p.dim(1) != tokensPerImage) {
      throw new BackendException(
          "the projector returned shape " + Graph.shape(p.shape()) + " for " + what + " but [1, " + tokensPerImage + ", D] is expected");
    }
    return p.values();
  }

  @Override
  public void close() {
    try {
      projector.close();
    } finally {
      vision.close();
    }
  }
}
