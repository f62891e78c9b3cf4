package dev.vimi.spi;

/**
 * Service interface for retrievers. Register implementations with {@code provides
 * dev.vimi.spi.RetrieverProvider with ...} in {@code module-info.java} and in {@code
 * META-INF/services/dev.vimi.spi.RetrieverProvider}.
 */
public interface RetrieverProvider extends NamedProvider {

  /**
   * Opens the memory the configuration points at, for searching. Refuses keys it does not read ({@link
   * ProviderConfig#requireKnownKeys}) before it touches the memory. The caller closes it. A provider
   * that can make a fresh memory on its own returns its configuration from {@link #selfTest}.
   */
  Retriever open(ProviderConfig config);

  /**
   * Opens the memory for adding pairs, creating it if it does not exist. The writer reports what it
   * did ({@link MemoryWriter#report()}) and says whether it can {@linkplain MemoryWriter#supportsOptimize()
   * optimize} the memory, so that callers need nothing but this interface and the provider's name. The
   * caller closes it. Providers of read-only memories keep the default, which refuses. A provider that
   * overrides this passes {@code dev.vimi.compat.MemoryWriterContractSuite}.
   */
  default MemoryWriter openWriter(ProviderConfig config) {
    throw new ConfigurationException("retriever '" + name() + "' is read-only: it cannot ingest pairs");
  }

  /**
   * The version of the on-disk format of the memories this provider writes and reads, or empty if it
   * keeps no files of its own (a cluster) or does not say. A host that keeps a memory it built in a
   * cache (the embedded emoji memory) names the cache folder after it, so that a provider version with
   * another format builds the memory afresh instead of finding one it refuses. Cheap and constant.
   */
  default java.util.Optional<String> memoryFormat() {
    return java.util.Optional.empty();
  }

  /**
   * Checks the whole memory the configuration points at for damage (every file's checksum, the index
   * structures), without changing it. Slow on a large memory: it reads everything. Retrievers that
   * cannot check their memory keep the default, which refuses.
   *
   * @throws ConfigurationException if there is no memory there, or it is being written to
   */
  default MemoryCheck verify(ProviderConfig config) {
    throw new ConfigurationException("retriever '" + name() + "' cannot verify its memory");
  }
}
