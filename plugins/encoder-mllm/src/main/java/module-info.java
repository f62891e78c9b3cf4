/**
 * The "mllm" condition encoder: ViMi's multimodal LLM (tokenizer, vision tower, projector, language
 * model, early or late fusion) on DJL.
 */
module dev.vimi.encoder.mllm {
  requires transitive dev.vimi.spi;
  requires dev.vimi.backend.support;
  requires ai.djl.api;
  requires ai.djl.tokenizers;
  requires dev.vimi.image;
  requires ai.djl.onnxruntime_engine;
  requires com.microsoft.onnxruntime;

  // the API: the provider, the encoder's own entry points, TokenLayout; the implementation
  // (dev.vimi.encoder.mllm.internal) stays private to this module
  exports dev.vimi.encoder.mllm;

  provides dev.vimi.spi.ConditionEncoderProvider with
      dev.vimi.encoder.mllm.MllmEncoderProvider;
}
