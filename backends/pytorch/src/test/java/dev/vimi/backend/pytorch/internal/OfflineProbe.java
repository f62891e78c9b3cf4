package dev.vimi.backend.pytorch.internal;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VimiException;

/**
 * Run in a fresh JVM by {@link PyTorchOfflineTest}: creates a pytorch denoiser for the test bundle and
 * reports on stdout what happened, one {@code key=value} per line.
 */
public final class OfflineProbe {
  private OfflineProbe() {}

  public static void main(String[] args) {
    try {
      new PyTorchDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.empty("offline probe")).close();
      System.out.println("result=created");
    } catch (VimiException e) {
      System.out.println("result=" + e.getClass().getSimpleName());
      System.out.println("message=" + e.getMessage().replace('\n', ' '));
    }
    System.out.println("offline=" + System.getProperty("ai.djl.offline"));
  }
}
