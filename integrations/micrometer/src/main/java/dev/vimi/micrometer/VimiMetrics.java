package dev.vimi.micrometer;

/**
 * The names of vimi's meters, observation and tags. Every tag is low-cardinality: its values come
 * from the pipeline's configuration and the model, never from a request's text.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #GENERATION}</td><td>timer (and, through an observation registry, the long task
 *       timer {@code vimi.generation.active})</td><td>task, model, denoiser, device, outcome, error</td>
 *       <td>whole generations</td></tr>
 *   <tr><td>{@value #STAGE}</td><td>timer</td><td>task, model, denoiser, device, stage</td>
 *       <td>one cascade stage's sampling</td></tr>
 *   <tr><td>{@value #STEP}</td><td>timer</td><td>task, model, denoiser, device, stage</td>
 *       <td>one sampler step</td></tr>
 *   <tr><td>{@value #DENOISER_CALLS}</td><td>timer</td><td>task, model, denoiser, device, stage,
 *       batch</td><td>one network evaluation</td></tr>
 *   <tr><td>{@value #ENCODER_CALLS}</td><td>timer</td><td>task, model, denoiser, device, encoder,
 *       call</td><td>one condition encoder call ({@code call}: encode or empty)</td></tr>
 *   <tr><td>{@value #RETRIEVAL}</td><td>timer</td><td>task, model, denoiser, device, retriever</td>
 *       <td>retrieval latency</td></tr>
 *   <tr><td>{@value #RETRIEVAL_HITS}</td><td>distribution summary</td><td>task, model, denoiser,
 *       device, retriever</td><td>pairs each retrieval returned</td></tr>
 * </table>
 *
 * <p>{@code outcome} is {@code success}, {@code cancelled} or {@code error}; {@code error} is the
 * exception's simple class name, or {@code none}.
 */
public final class VimiMetrics {
  /** Whole generations; also the name of the {@code Observation}. */
  public static final String GENERATION = "vimi.generation";
  /** One cascade stage. */
  public static final String STAGE = "vimi.generation.stage";
  /** One sampler step. */
  public static final String STEP = "vimi.generation.step";
  /** One denoiser network evaluation. */
  public static final String DENOISER_CALLS = "vimi.denoiser.calls";
  /** One condition encoder call. */
  public static final String ENCODER_CALLS = "vimi.encoder.calls";
  /** Retrieval latency. */
  public static final String RETRIEVAL = "vimi.retrieval";
  /** Pairs per retrieval. */
  public static final String RETRIEVAL_HITS = "vimi.retrieval.hits";

  /** Tag: the task name ({@code t2v}, {@code subject}, {@code predict}, a plugin's, or {@code unknown}). */
  public static final String TAG_TASK = "task";
  /** Tag: the model's name. */
  public static final String TAG_MODEL = "model";
  /** Tag: the denoiser provider ({@code onnx}, {@code pytorch}, ...). */
  public static final String TAG_DENOISER = "denoiser";
  /** Tag: the denoiser's device ({@code cpu}, {@code cuda:0}, ...). */
  public static final String TAG_DEVICE = "device";
  /** Tag: the cascade stage's name. */
  public static final String TAG_STAGE = "stage";
  /** Tag: the batch of a denoiser call. */
  public static final String TAG_BATCH = "batch";
  /** Tag: the condition encoder provider. */
  public static final String TAG_ENCODER = "encoder";
  /** Tag: which encoder call ({@code encode} or {@code empty}). */
  public static final String TAG_CALL = "call";
  /** Tag: the retriever provider. */
  public static final String TAG_RETRIEVER = "retriever";
  /** Tag: how a generation ended: {@code success}, {@code cancelled} or {@code error}. */
  public static final String TAG_OUTCOME = "outcome";
  /** Tag: the exception's simple class name, or {@code none}. */
  public static final String TAG_ERROR = "error";

  private VimiMetrics() {}
}
