/**
 * The implementation of the {@code vespa} retriever: provider, settings, query client, retriever and
 * writer. Not exported: hosts reach it through vimi's registry by the provider name.
 */
package dev.vimi.retriever.vespa.internal;
