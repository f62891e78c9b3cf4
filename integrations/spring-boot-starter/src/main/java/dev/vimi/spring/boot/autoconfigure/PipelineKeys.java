package dev.vimi.spring.boot.autoconfigure;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Reads the pipeline keys from Spring's environment: every key under {@code vimi.} except the starter's
 * own ({@link VimiProperties}), with the prefix removed, so that {@code vimi.denoiser.device=cpu} in
 * {@code application.properties} is {@code denoiser.device=cpu} of {@code vimi.properties}. In YAML,
 * where a key cannot be both a value and a section, {@code denoiser: {provider: onnx, device: cpu}}
 * stands for {@code denoiser=onnx} and {@code denoiser.device=cpu}, as in vimi.json. Stateless.
 */
final class PipelineKeys {
  /** Keys of the starter itself, not of the pipeline. */
  private static final Set<String> OWN = Set.of("enabled", "config-file", "configfile", "config_file");
  private static final String OWN_SECTION = "observations.";
  private static final Set<String> SECTIONS = Set.of("denoiser", "encoder", "retriever");

  private PipelineKeys() {}

  static Map<String, String> read(Environment environment) {
    Map<String, String> raw =
        Binder.get(environment).bind(VimiProperties.PREFIX, Bindable.mapOf(String.class, String.class)).orElseGet(Map::of);
    Map<String, String> out = new TreeMap<>();
    raw.forEach((k, v) -> {
      String key = k;
      if (OWN.contains(key.toLowerCase(java.util.Locale.ROOT)) || key.startsWith(OWN_SECTION)) {
        return;
      }
      int dot = key.indexOf('.');
      if (dot > 0 && key.substring(dot + 1).equals("provider") && SECTIONS.contains(key.substring(0, dot))) {
        key = key.substring(0, dot);
      }
      out.put(key, v);
    });
    return out;
  }
}
