package dev.vimi.encoder.mllm.internal;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vimi.encoder.mllm.internal.EncoderSettings.EngineKind;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One exported graph (vision tower, projector, embeddings, language model or fusion network) loaded
 * into a DJL engine on the CPU.
 *
 * <p>Inputs are matched by name on ONNX Runtime (the graph's own input names, checked against the
 * {@link Signature} at load time) and by position on PyTorch (TorchScript takes positional
 * arguments, in {@link Signature#torchOrder()}). Thread-safe: every {@link #run} makes its own
 * predictor and NDManager; the engines' sessions allow concurrent runs. Closing frees the native
 * model; the owner closes it once no run is in flight.
 */
public final class Graph implements AutoCloseable {

  /**
   * The inputs a graph role takes.
   *
   * @param required inputs the graph must have (by name, on ONNX Runtime)
   * @param optional inputs the graph may have; they are fed when present
   * @param torchOrder the positional arguments of a TorchScript graph
   * @param output the preferred output name; the first output is taken when no output has it
   */
  public record Signature(List<String> required, List<String> optional, List<String> torchOrder, String output) {
    public static Signature single(String name) {
      return new Signature(List.of(name), List.of(), List.of(name), "");
    }
  }

  /** One input tensor: {@code float[]} or {@code long[]} values and their shape. */
  public record Input(Object values, long... shape) {
    public static Input of(float[] v, long... shape) {
      return new Input(v, shape);
    }

    public static Input of(long[] v, long... shape) {
      return new Input(v, shape);
    }

    /** An attention mask of {@code n} ones, {@code [1, n]}. */
    public static Input mask(int n) {
      long[] a = new long[n];
      Arrays.fill(a, 1);
      return new Input(a, 1, n);
    }

    /** Position ids {@code 0 .. n-1}, {@code [1, n]}. */
    public static Input positions(int n) {
      long[] a = new long[n];
      for (int i = 0; i < n; i++) {
        a[i] = i;
      }
      return new Input(a, 1, n);
    }
  }

  /** One output tensor. */
  public record Output(float[] values, long[] shape) {
    /** The size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
      return (int) shape[i < 0 ? shape.length + i : i];
    }

    /**
     * The values as the token states of one sequence, after checking that the shape is {@code [1, n,
     * dim]}; {@code what} names the graph in the error.
     *
     * @throws BackendException if the shape is another
     */
    public float[] tokenStates(int n, int dim, String what) {
      if (shape.length != 3 || shape[0] != 1 || shape[1] != n || shape[2] != dim) {
        throw new BackendException(
            "the " + what + " returned shape " + Graph.shape(shape) + " but [1, " + n + ", " + dim + "] is expected");
      }
      return values;
    }
  }

  /** A shape as {@code [1, 16, 64]}, for messages. */
  public static String shape(long[] shape) {
    return Arrays.toString(shape);
  }

  /**
   * Refuses graphs whose token widths do not fit together: {@code what} returns {@code got}-wide
   * tokens where {@code against} are {@code expected} wide.
   *
   * @throws ConfigurationException if {@code got != expected}
   */
  public static void checkWidth(String owner, String what, int got, String against, int expected) {
    if (got != expected) {
      throw new ConfigurationException(
          owner + ": the " + what + " returns " + got + "-wide tokens but the " + against + " are " + expected
              + " wide; the graphs do not belong together (re-export them from one model)");
    }
  }

  private final String role;
  private final ModelResource source;
  private final EngineKind engine;
  private final Signature signature;
  private final Model model;
  private final List<String> onnxInputs; // null for PyTorch

  private Graph(String role, ModelResource source, EngineKind engine, Signature signature, Model model, List<String> onnxInputs) {
    this.role = role;
    this.source = source;
    this.engine = engine;
    this.signature = signature;
    this.model = model;
    this.onnxInputs = onnxInputs;
  }

  /** Loads a graph; a missing engine, an unreadable file or unexpected inputs fail with a message naming the key. */
  public static Graph load(
      String owner, String role, ModelResource source, EngineKind engine, int threads, boolean spinning, Signature signature) {
    Engine djl = engine(owner, engine);
    Map<String, Object> options = new HashMap<>();
    OrtSession.SessionOptions ort = null;
    if (engine == EngineKind.ONNX) {
      ort = new OrtSession.SessionOptions();
      if (!spinning) {
        // idle worker threads sleep instead of spinning: on a shared CPU a spinning pool starves the
        // other threads of the process (image decoding, other graphs) and of the machine
        try {
          ort.addConfigEntry("session.intra_op.allow_spinning", "0");
          ort.addConfigEntry("session.inter_op.allow_spinning", "0");
        } catch (OrtException e) {
          ort.close();
          throw new BackendException("ONNX Runtime refused a session option: " + e.getMessage(), e);
        }
      }
      options.put("sessionOptions", ort);
      if (threads > 0) {
        options.put("intraOpNumThreads", Integer.toString(threads));
      }
    }
    Model model = Model.newInstance(role, Device.cpu(), djl.getEngineName());
    try {
      switch (source) {
        case ModelResource.OfFile f -> model.load(f.path(), null, options);
        case ModelResource.OfClasspath c -> {
          try (InputStream in = c.open()) {
            model.load(in, options);
          }
        }
      }
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new ConfigurationException(
          owner + ": cannot load the " + role + " graph from " + source.describe() + " (configuration key '"
              + source.key() + "') with " + engine.djlName + ": " + e.getMessage() + "; check that the file is a "
              + (engine == EngineKind.ONNX ? "valid ONNX model" : "TorchScript module saved with torch.jit.save"),
          e);
    } finally {
      if (ort != null) {
        ort.close(); // the session keeps its own copy
      }
    }
    List<String> names = null;
    if (engine == EngineKind.ONNX) {
      try {
        names = new ArrayList<>(model.describeInput().keys());
        validate(owner, role, source, signature, names);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    return new Graph(role, source, engine, signature, model, names);
  }

  private static Engine engine(String owner, EngineKind kind) {
    try {
      return Engine.getEngine(kind.djlName);
    } catch (RuntimeException e) {
      throw new ConfigurationException(
          owner + ": engine '" + kind.key() + "' needs DJL's " + kind.djlName + " engine on the class path"
              + (kind == EngineKind.PYTORCH
                  ? " (ai.djl.pytorch:pytorch-engine plus pytorch-jni and pytorch-native-cpu for offline use)"
                  : " (ai.djl.onnxruntime:onnxruntime-engine)")
              + "; engines present: " + new TreeSet<>(Engine.getAllEngines()),
          e);
    }
  }

  private static void validate(String owner, String role, ModelResource source, Signature sig, List<String> names) {
    if (names.size() == 1 && sig.required().size() == 1 && sig.optional().isEmpty()) {
      return; // a single-input graph: the name does not matter
    }
    List<String> missing = new ArrayList<>();
    for (String r : sig.required()) {
      if (!names.contains(r)) {
        missing.add(r);
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String n : names) {
      if (!sig.required().contains(n) && !sig.optional().contains(n)) {
        unknown.add(n);
      }
    }
    if (!missing.isEmpty() || !unknown.isEmpty()) {
      throw new ConfigurationException(
          owner + ": the " + role + " graph " + source.describe() + " (configuration key '" + source.key()
              + "') has inputs " + names + " but this encoder feeds " + sig.required() + " and optionally "
              + sig.optional() + (missing.isEmpty() ? "" : "; missing: " + missing)
              + (unknown.isEmpty() ? "" : "; not understood: " + unknown)
              + "; re-export the graph with these input names");
    }
  }

  /**
   * Runs the graph. {@code inputs} maps input names of the {@link Signature} to tensors; on ONNX
   * Runtime the ones the graph does not take are left out, on PyTorch they are passed in {@link
   * Signature#torchOrder()}. Blocks while the engine runs.
   */
  public Output run(Map<String, Input> inputs) {
    List<Map.Entry<String, Input>> feed = new ArrayList<>();
    if (engine == EngineKind.ONNX) {
      if (onnxInputs.size() == 1 && signature.required().size() == 1 && signature.optional().isEmpty()) {
        feed.add(Map.entry(onnxInputs.get(0), inputs.get(signature.required().get(0))));
      } else {
        for (String n : onnxInputs) {
          Input in = inputs.get(n);
          if (in == null) {
            throw new IllegalStateException("no value for input " + n + " of the " + role + " graph");
          }
          feed.add(Map.entry(n, in));
        }
      }
    } else {
      for (String n : signature.torchOrder()) {
        feed.add(Map.entry(n, inputs.get(n)));
      }
    }
    try (NDManager manager = model.getNDManager().newSubManager();
        Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
      NDList list = new NDList(feed.size());
      for (Map.Entry<String, Input> e : feed) {
        Input in = e.getValue();
        Shape shape = new Shape(in.shape());
        NDArray a =
            switch (in.values()) {
              case float[] f -> manager.create(f, shape);
              case long[] l -> manager.create(l, shape);
              default -> throw new IllegalStateException("unsupported input type " + in.values().getClass());
            };
        if (engine == EngineKind.ONNX) {
          a.setName(e.getKey());
        }
        list.add(a);
      }
      NDList out = predictor.predict(list);
      NDArray chosen = pickOutput(out);
      if (chosen.getDataType() != DataType.FLOAT32) {
        throw new BackendException(
            "the " + role + " graph " + source.describe() + " returned " + chosen.getDataType()
                + " but float32 is expected; re-export it with a float32 output");
      }
      float[] values = chosen.toFloatArray();
      long[] shape = chosen.getShape().getShape();
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new BackendException(
              "the " + role + " graph " + source.describe() + " returned a non-finite value at flat index " + i);
        }
      }
      return new Output(values, shape);
    } catch (TranslateException | RuntimeException e) {
      if (e instanceof BackendException be) {
        throw be;
      }
      throw new BackendException(
          "the " + role + " graph " + source.describe() + " failed on " + engine.djlName + " with inputs "
              + describe(feed) + ": " + e.getMessage(),
          e);
    }
  }

  private NDArray pickOutput(NDList out) {
    if (out.isEmpty()) {
      throw new BackendException("the " + role + " graph " + source.describe() + " returned no output");
    }
    if (!signature.output().isEmpty()) {
      for (NDArray a : out) {
        if (signature.output().equals(a.getName())) {
          return a;
        }
      }
    }
    return out.get(0);
  }

  private static String describe(List<Map.Entry<String, Input>> feed) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, Input> e : feed) {
      m.put(e.getKey(), Arrays.toString(e.getValue().shape()));
    }
    return m.toString();
  }

  @Override
  public void close() {
    model.close();
  }
}
