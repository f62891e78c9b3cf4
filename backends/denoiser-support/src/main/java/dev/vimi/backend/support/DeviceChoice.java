package dev.vimi.backend.support;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a graph backend was configured to run: the {@code device} and {@code fallback} keys every
 * graph backend reads, parsed and checked before any native library starts. Immutable.
 *
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}, as configured (trimmed, lower case)
 * @param cudaIndex the CUDA device index, or -1 for the CPU
 * @param fallbackToCpu whether a GPU that cannot be used may be replaced by the CPU (with a warning,
 *     see {@link GraphDenoiser#refuseOrFallBack})
 */
public record DeviceChoice(String device, int cudaIndex, boolean fallbackToCpu) {
  private static final Pattern DEVICE = Pattern.compile("cpu|cuda(?::(\\d{1,3}))?");

  /** The same choice on the CPU (after an allowed fallback). */
  public DeviceChoice onCpu() {
    return new DeviceChoice("cpu", -1, fallbackToCpu);
  }

  /** Whether a GPU was asked for. */
  public boolean gpu() {
    return cudaIndex >= 0;
  }

  /**
   * Reads {@code device} (default {@code cpu}) and {@code fallback} (default {@code none}).
   *
   * @param deviceHint appended to the message for a malformed device, e.g. how to ask for TensorRT; may be empty
   * @throws ConfigurationException naming the key, the value and what it must be
   */
  public static DeviceChoice parse(ProviderConfig config, String deviceHint) {
    String owner = config.owner();
    String device = config.getString("device", "cpu").trim().toLowerCase(Locale.ROOT);
    Matcher m = DEVICE.matcher(device);
    if (!m.matches()) {
      throw new ConfigurationException(
          owner + ": configuration key 'device' is '" + config.getString("device", "") + "' but must be cpu, cuda or "
              + "cuda:N with N a GPU index (0, 1, ...)" + deviceHint);
    }
    int index = device.equals("cpu") ? -1 : m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    String fb = config.getString("fallback", "none").trim().toLowerCase(Locale.ROOT);
    boolean fallback =
        switch (fb) {
          case "none" -> false;
          case "cpu" -> true;
          default ->
              throw new ConfigurationException(
                  owner + ": configuration key 'fallback' is '" + fb + "' but must be none (fail when the GPU is "
                      + "missing) or cpu (run on the CPU instead, with a warning)");
        };
    return new DeviceChoice(device, index, fallback);
  }
}
