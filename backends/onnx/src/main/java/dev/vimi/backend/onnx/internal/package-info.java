/**
 * The implementation of the {@code onnx} denoiser backend: provider, options and the graph denoiser.
 * Not exported: hosts and the engine reach it through vimi's registry by the provider name.
 */
package dev.vimi.backend.onnx.internal;
