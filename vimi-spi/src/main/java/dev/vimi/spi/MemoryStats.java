package dev.vimi.spi;

/**
 * Size figures of an image-text memory. A figure a retriever cannot know is {@code -1}.
 *
 * @param pairs number of image-text pairs
 * @param distinctTerms number of distinct indexed terms
 * @param bytesOnDisk bytes the memory occupies on disk (or in the cluster)
 */
public record MemoryStats(long pairs, long distinctTerms, long bytesOnDisk) {}
