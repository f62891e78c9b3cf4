package dev.vimi.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vimi.spi.ConfigKeys;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A pipeline configuration as flat string keys, read from a {@code .properties} or {@code .json}
 * file. The keys (a {@code .properties} file has no end-of-line comments, so each comment has its own
 * line):
 *
 * <pre>
 * # a model bundle folder; a relative path is taken from the file's folder
 * model=models/vimi-tiny/bundle
 * # provider names; without one, the highest-priority provider on the path
 * denoiser=onnx
 * # everything under "denoiser." goes to the denoiser provider
 * denoiser.device=cpu
 * encoder=mllm
 * retriever=lucene
 * # everything under "retriever." goes to the retriever provider (here the lucene memory folder)
 * retriever.index.dir=memory
 * # the default task
 * task=t2v
 * retrieval.k=2
 * </pre>
 *
 * In JSON, sections are objects and the provider name is the {@code "provider"} member:
 * {@code {"denoiser": {"provider": "onnx", "device": "cpu"}, "retrieval": {"k": 2}}}.
 *
 * <p>Any other key is refused with the closest known one ({@code retrieval.kk}: "did you mean
 * 'retrieval.k'?"); the keys under {@code denoiser.}, {@code encoder.} and {@code retriever.} are
 * checked by the provider they go to, when the pipeline is built.
 *
 * <p>Immutable and thread-safe.
 */
public final class PipelineConfig {
  /** The pipeline's own keys. */
  public static final List<String> KEYS = List.of("model", "denoiser", "encoder", "retriever", "task", "retrieval.k");

  /** Sections whose keys go to a provider, which checks them. */
  private static final List<String> PROVIDER_SECTIONS = List.of("denoiser.", "encoder.", "retriever.");

  private final SortedMap<String, String> values;
  private final Path baseDir;

  private PipelineConfig(String owner, Map<String, String> values, Path baseDir) {
    ConfigKeys.requireKnown(owner, values.keySet(), KEYS, k -> PROVIDER_SECTIONS.stream().anyMatch(k::startsWith));
    this.values = new TreeMap<>(values);
    this.baseDir = baseDir;
  }

  /**
   * A configuration from in-memory keys; relative paths resolve against the working directory.
   *
   * @throws ConfigurationException for a key the pipeline does not know (with the closest known one)
   */
  public static PipelineConfig of(Map<String, String> values) {
    return new PipelineConfig("pipeline configuration", values, Path.of(""));
  }

  /**
   * Reads a {@code .properties} or {@code .json} file (by extension).
   *
   * @throws ConfigurationException if the file is missing or malformed, or holds a key the pipeline
   *     does not know (the message names the file, the key and the closest known key)
   */
  public static PipelineConfig read(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationException("configuration file " + file + " does not exist or is not a file");
    }
    Path base = file.toAbsolutePath().getParent();
    try {
      if (name.endsWith(".json")) {
        JsonNode root;
        try {
          root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
          throw new ConfigurationException(
              file + ": not valid JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                  + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
          throw new ConfigurationException(file + ": the top level must be a JSON object");
        }
        TreeMap<String, String> flat = new TreeMap<>();
        flatten(file, "", root, flat);
        return new PipelineConfig(file.toString(), flat, base);
      }
      if (name.endsWith(".properties")) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          p.load(r);
        }
        TreeMap<String, String> flat = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> flat.put(k, p.getProperty(k).trim()));
        return new PipelineConfig(file.toString(), flat, base);
      }
    } catch (IOException e) {
      throw new ConfigurationException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    throw new ConfigurationException(
        "configuration file " + file + " must end in .properties or .json");
  }

  private static void flatten(Path file, String prefix, JsonNode node, Map<String, String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey().equals("provider") && !prefix.isEmpty() ? prefix.substring(0, prefix.length() - 1) : prefix + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(file, prefix + e.getKey() + ".", v, out);
      } else if (v.isValueNode() && !v.isNull()) {
        out.put(key, v.asText());
      } else {
        throw new ConfigurationException(file + ": '" + prefix + e.getKey() + "' must be a string, number, boolean or object");
      }
    }
  }

  public java.util.Optional<String> get(String key) {
    return java.util.Optional.ofNullable(values.get(key));
  }

  /** A path value resolved against the configuration file's folder. */
  public java.util.Optional<Path> path(String key) {
    return get(key).map(v -> baseDir.resolve(v).normalize());
  }

  /** The keys under {@code section + "."} as a provider configuration owned by {@code owner}. */
  public ProviderConfig section(String section, String owner) {
    return ProviderConfig.of(owner, values).subset(section);
  }

  public SortedMap<String, String> asMap() {
    return java.util.Collections.unmodifiableSortedMap(values);
  }
}
