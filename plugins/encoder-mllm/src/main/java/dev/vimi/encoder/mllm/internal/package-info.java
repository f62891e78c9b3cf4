/**
 * The implementation of the "mllm" condition encoder: configuration parsing, graphs on DJL, the
 * tokenizer, image reading and preprocessing, prompt layout, and one class per fusion mode. Not
 * exported: hosts use {@link dev.vimi.encoder.mllm} and the provider registry; nothing here is API.
 */
package dev.vimi.encoder.mllm.internal;
