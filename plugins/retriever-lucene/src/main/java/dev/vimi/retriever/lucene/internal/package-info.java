/**
 * The implementation of the {@code lucene} retriever: provider, retriever, writer, index layout and
 * integrity checks. Not exported: hosts reach it through vimi's registry by the provider name and
 * configure it with the keys of {@link dev.vimi.retriever.lucene.LuceneMemoryConfig}.
 */
package dev.vimi.retriever.lucene.internal;
