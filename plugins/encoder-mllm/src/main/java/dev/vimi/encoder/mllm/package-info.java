/**
 * The "mllm" condition encoder. {@link dev.vimi.encoder.mllm.MllmEncoderProvider} lists the
 * configuration keys; {@link dev.vimi.encoder.mllm.MllmConditionEncoder} describes how a prompt is
 * read and fused; {@link dev.vimi.encoder.mllm.TokenLayout} is what it shows of a prompt's tokens.
 */
package dev.vimi.encoder.mllm;
