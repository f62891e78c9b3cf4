package dev.vimi.retriever.vespa.internal;

/**
 * Runs the test fake on a loopback port until stdin closes, to try {@code vimi memory ... --retriever
 * vespa} without a cluster. Test code; see the README of this module.
 */
public final class FakeVespaMain {
  private FakeVespaMain() {}

  public static void main(String[] args) throws Exception {
    try (FakeVespa fake = FakeVespa.start()) {
      System.out.println(fake.endpoint());
      System.out.flush();
      while (System.in.read() != -1) {
        // wait for end of input
      }
    }
  }
}
