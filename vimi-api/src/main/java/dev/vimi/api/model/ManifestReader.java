package dev.vimi.api.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vimi.api.EncoderSpec;
import dev.vimi.api.Guidance;
import dev.vimi.api.Resize;
import dev.vimi.api.StageSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads and validates a {@code vimi-model.json} without touching any other file: structure, types,
 * ranges, names, roles, and the lexical safety of every path. Checksums are checked afterwards by
 * {@link ModelBundle}. Stateless.
 */
final class ManifestReader {

  /** The manifest schema this version reads. */
  static final int SCHEMA_VERSION = 1;

  static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final List<String> TOP_FIELDS =
      List.of("schema_version", "name", "description", "stages", "encoder", "files");
  private static final List<String> STAGE_FIELDS =
      List.of(
          "name", "description", "channels", "frames", "height", "width", "fps", "output_kind", "sigma_data",
          "sigma_min", "sigma_max", "rho", "steps", "guidance", "low_res_resize", "conditioning", "graphs");
  private static final List<String> GRAPH_FIELDS =
      List.of("file", "inputs", "output", "dynamic_batch", "precision");
  private static final List<String> INPUT_FIELDS = List.of("name", "role");
  private static final List<String> ENCODER_FIELDS = List.of("provider", "settings");
  private static final String ROLES =
      "noisy_video, sigma, c_noise, conditioning, conditioning_mask, fps, resolution, low_res_video, known_frames, known_mask";

  /** Defaults from the ViMi paper, used where a stage does not say otherwise. */
  static final float DEFAULT_FPS = 24f;

  static final double DEFAULT_SIGMA_DATA = 0.5;
  static final double DEFAULT_SIGMA_MIN = 0.002;
  static final double DEFAULT_SIGMA_MAX = 80;
  static final double DEFAULT_RHO = 7;
  static final int DEFAULT_BASE_STEPS = 256;
  static final int DEFAULT_UPSAMPLER_STEPS = 40;

  /** A graph as the manifest declares it, its file not yet resolved. */
  record Graph(String file, String fileField, List<GraphInput> inputs, String output, boolean dynamicBatch, String precision) {}

  /** A stage as the manifest declares it; {@link #toSpec} turns it into the API's record. */
  record Stage(
      String name,
      int channels,
      int frames,
      int height,
      int width,
      float fps,
      OutputKind outputKind,
      double sigmaData,
      double sigmaMin,
      double sigmaMax,
      double rho,
      int steps,
      Guidance guidance,
      Resize lowResResize,
      int conditioningLength,
      int conditioningDim,
      Map<String, Graph> graphs) {}

  /** The whole manifest: every field validated, every path lexically safe, no file opened yet. */
  record Manifest(String name, List<Stage> stages, EncoderSpec encoder, SortedMap<String, String> files) {}

  private final String source;

  private ManifestReader(String source) {
    this.source = source;
  }

  /**
   * Parses and validates a manifest.
   *
   * @param source how to name the manifest in error messages
   */
  static Manifest read(String source, InputStream in) {
    JsonNode root;
    try {
      root = MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
      throw new ModelBundleException(source, null, "not valid JSON: " + where + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelBundleException(source, null, "cannot be read: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new ModelBundleException(source, null, "is empty; it must hold a JSON object (see models/README.md)");
    }
    return new ManifestReader(source).manifest(root);
  }

  private Manifest manifest(JsonNode root) {
    object(root, "(root)");
    knownFields(root, "", TOP_FIELDS);
    JsonNode version = root.get("schema_version");
    if (version == null) {
      throw error("schema_version", "missing; this vimi reads schema_version " + SCHEMA_VERSION);
    }
    if (!version.isIntegralNumber()) {
      throw error("schema_version", "must be an integer but is " + version);
    }
    if (version.asLong() != SCHEMA_VERSION) {
      throw error(
          "schema_version",
          "is " + version + " but this vimi reads schema_version " + SCHEMA_VERSION
              + (version.asLong() > SCHEMA_VERSION ? "; upgrade vimi to load this bundle" : ""));
    }
    String name = requireText(root, "name", "name");
    if (root.has("description")) {
      text(root.get("description"), "description");
    }
    SortedMap<String, String> files = files(root.get("files"));

    JsonNode stagesNode = root.get("stages");
    if (stagesNode == null) {
      throw error("stages", "missing; a model needs at least one stage");
    }
    if (!stagesNode.isArray() || stagesNode.isEmpty()) {
      throw error("stages", "must be a non-empty array of stage objects");
    }
    List<Stage> stages = new ArrayList<>();
    Set<String> stageNames = new HashSet<>();
    for (int i = 0; i < stagesNode.size(); i++) {
      Stage s = stage(stagesNode.get(i), "stages[" + i + "]", i);
      if (!stageNames.add(s.name())) {
        throw error("stages[" + i + "].name", "stage name '" + s.name() + "' is used twice; stage names must be unique");
      }
      if (i > 0) {
        Stage first = stages.get(0);
        Stage prev = stages.get(i - 1);
        if (s.channels() != prev.channels()) {
          throw error(
              "stages[" + i + "].channels",
              "is " + s.channels() + " but must equal stages[" + (i - 1) + "].channels (" + prev.channels()
                  + "): a later stage refines the previous stage's video");
        }
        if (s.conditioningLength() != first.conditioningLength() || s.conditioningDim() != first.conditioningDim()) {
          throw error(
              "stages[" + i + "].conditioning",
              "is length " + s.conditioningLength() + ", dim " + s.conditioningDim() + " but all stages share one "
                  + "conditioning: it must equal stages[0].conditioning (length " + first.conditioningLength()
                  + ", dim " + first.conditioningDim() + ")");
        }
      }
      for (Graph g : s.graphs().values()) {
        if (!files.containsKey(g.file())) {
          throw error(
              g.fileField(),
              "'" + g.file() + "' has no sha256 entry under files; add \"" + g.file() + "\": \"<sha256>\" "
                  + "(BundleChecksums computes the entries)");
        }
      }
      stages.add(s);
    }
    EncoderSpec encoder = root.has("encoder") ? encoder(root.get("encoder")) : null;
    return new Manifest(name, List.copyOf(stages), encoder, files);
  }

  private SortedMap<String, String> files(JsonNode node) {
    if (node == null) {
      throw error(
          "files",
          "missing; list every file of the bundle with its sha256, e.g. \"files\": {\"base.onnx\": \"<sha256>\"} "
              + "(BundleChecksums computes the entries)");
    }
    object(node, "files");
    SortedMap<String, String> files = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String field = "files[\"" + e.getKey() + "\"]";
      BundlePaths.checkRelative(source, field, e.getKey());
      if (e.getKey().equals(ModelBundle.MANIFEST)) {
        throw error(field, "the manifest cannot list its own checksum; remove this entry");
      }
      String sha = text(e.getValue(), field);
      if (!SHA256.matcher(sha).matches()) {
        throw error(field, "must be a sha256 of 64 hex digits but is '" + sha + "'");
      }
      files.put(e.getKey(), sha.toLowerCase(Locale.ROOT));
    }
    return files;
  }

  private Stage stage(JsonNode node, String path, int index) {
    object(node, path);
    knownFields(node, path + ".", STAGE_FIELDS);
    String name = requireText(node, "name", path + ".name");
    if (node.has("description")) {
      text(node.get("description"), path + ".description");
    }
    int channels = requireInt(node, "channels", path, 1, 64);
    int frames = requireInt(node, "frames", path, 1, StageSpec.MAX_FRAMES);
    int height = requireInt(node, "height", path, 1, StageSpec.MAX_SIDE);
    int width = requireInt(node, "width", path, 1, StageSpec.MAX_SIDE);
    double fpsValue = optDouble(node, "fps", path, DEFAULT_FPS);
    if (!(fpsValue > 0) || fpsValue > 1000) {
      throw error(path + ".fps", "must be in (0, 1000] but is " + fpsValue);
    }
    String kindText = requireText(node, "output_kind", path + ".output_kind");
    OutputKind kind;
    try {
      kind = OutputKind.parse(kindText);
    } catch (InvalidInputException e) {
      throw error(path + ".output_kind", "unknown output kind '" + kindText + "'; expected one of edm, denoised, epsilon, v");
    }
    double sigmaData = optDouble(node, "sigma_data", path, DEFAULT_SIGMA_DATA);
    double sigmaMin = optDouble(node, "sigma_min", path, DEFAULT_SIGMA_MIN);
    double sigmaMax = optDouble(node, "sigma_max", path, DEFAULT_SIGMA_MAX);
    double rho = optDouble(node, "rho", path, DEFAULT_RHO);
    positive(path + ".sigma_data", sigmaData);
    positive(path + ".sigma_min", sigmaMin);
    positive(path + ".sigma_max", sigmaMax);
    positive(path + ".rho", rho);
    if (sigmaMin >= sigmaMax) {
      throw error(path + ".sigma_min", "is " + sigmaMin + " but must be smaller than sigma_max (" + sigmaMax + ")");
    }
    int steps =
        node.has("steps")
            ? requireInt(node, "steps", path, 1, StageSpec.MAX_STEPS)
            : (index == 0 ? DEFAULT_BASE_STEPS : DEFAULT_UPSAMPLER_STEPS);
    Guidance guidance = guidance(node.get("guidance"), path + ".guidance");

    Resize resize = null;
    JsonNode resizeNode = node.get("low_res_resize");
    if (index == 0 && resizeNode != null) {
      throw error(
          path + ".low_res_resize",
          "the first stage has no previous stage to resize; remove low_res_resize (it belongs to later stages)");
    }
    if (index > 0) {
      if (resizeNode == null) {
        throw error(
            path + ".low_res_resize",
            "missing; a later stage must say how the previous stage's video is resized: nearest or trilinear");
      }
      String r = text(resizeNode, path + ".low_res_resize");
      try {
        resize = Resize.parse(r);
      } catch (InvalidInputException e) {
        throw error(path + ".low_res_resize", "unknown resize mode '" + r + "'; expected nearest or trilinear");
      }
    }

    JsonNode cond = node.get("conditioning");
    if (cond == null) {
      throw error(path + ".conditioning", "missing; give the conditioning shape, e.g. {\"length\": 77, \"dim\": 1024}");
    }
    object(cond, path + ".conditioning");
    knownFields(cond, path + ".conditioning.", List.of("length", "dim"));
    int condLength = requireInt(cond, "length", path + ".conditioning", 1, 1 << 16);
    int condDim = requireInt(cond, "dim", path + ".conditioning", 1, 1 << 16);

    JsonNode graphsNode = node.get("graphs");
    if (graphsNode == null) {
      throw error(path + ".graphs", "missing; give at least one exported graph, e.g. {\"onnx\": {...}}");
    }
    object(graphsNode, path + ".graphs");
    if (graphsNode.isEmpty()) {
      throw error(path + ".graphs", "is empty; give at least one exported graph, e.g. {\"onnx\": {...}}");
    }
    Map<String, Graph> graphs = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : graphsNode.properties()) {
      String gpath = path + ".graphs." + e.getKey();
      if (!PROVIDER_NAME.matcher(e.getKey()).matches()) {
        throw error(
            gpath,
            "'" + e.getKey() + "' is not a backend provider name (lower-case letters and digits, single dashes), "
                + "e.g. onnx or pytorch");
      }
      graphs.put(e.getKey(), graph(e.getValue(), gpath, index));
    }
    return new Stage(
        name, channels, frames, height, width, (float) fpsValue, kind, sigmaData, sigmaMin, sigmaMax, rho, steps,
        guidance, resize, condLength, condDim, Map.copyOf(graphs));
  }

  private Guidance guidance(JsonNode node, String path) {
    if (node == null) {
      throw error(
          path,
          "missing; give the default classifier-free guidance, e.g. {\"type\": \"constant\", \"scale\": 7.5} or "
              + "{\"type\": \"linear_ramp\", \"min\": 1.0, \"max\": 3.0}");
    }
    if (node.isNumber()) {
      return Guidance.constant(scale(node, path));
    }
    object(node, path);
    String type = requireText(node, "type", path + ".type");
    return switch (type) {
      case "constant" -> {
        knownFields(node, path + ".", List.of("type", "scale"));
        yield Guidance.constant(scale(required(node, "scale", path + ".scale"), path + ".scale"));
      }
      case "linear_ramp" -> {
        knownFields(node, path + ".", List.of("type", "min", "max"));
        yield Guidance.linearRamp(
            scale(required(node, "min", path + ".min"), path + ".min"),
            scale(required(node, "max", path + ".max"), path + ".max"));
      }
      default -> throw error(path + ".type", "unknown guidance type '" + type + "'; expected constant or linear_ramp");
    };
  }

  private double scale(JsonNode node, String path) {
    double v = number(node, path);
    if (v < 0 || v > Guidance.MAX_SCALE) {
      throw error(path, "guidance scale must be in [0, " + Guidance.MAX_SCALE + "] but is " + v);
    }
    return v;
  }

  private Graph graph(JsonNode node, String path, int stageIndex) {
    object(node, path);
    knownFields(node, path + ".", GRAPH_FIELDS);
    String file = requireText(node, "file", path + ".file");
    BundlePaths.checkRelative(source, path + ".file", file);
    String output = requireText(node, "output", path + ".output");
    boolean dynamicBatch = false;
    if (node.has("dynamic_batch")) {
      JsonNode d = node.get("dynamic_batch");
      if (!d.isBoolean()) {
        throw error(path + ".dynamic_batch", "must be true or false but is " + d);
      }
      dynamicBatch = d.booleanValue();
    }
    String precision = "fp32";
    if (node.has("precision")) {
      precision = text(node.get("precision"), path + ".precision");
      if (!precision.equals("fp32") && !precision.equals("fp16")) {
        throw error(path + ".precision", "unknown precision '" + precision + "'; expected fp32 or fp16");
      }
    }
    JsonNode inputsNode = node.get("inputs");
    if (inputsNode == null) {
      throw error(path + ".inputs", "missing; list the graph's inputs in order as {\"name\": ..., \"role\": ...}");
    }
    if (!inputsNode.isArray() || inputsNode.isEmpty()) {
      throw error(path + ".inputs", "must be a non-empty array of {\"name\": ..., \"role\": ...}");
    }
    List<GraphInput> inputs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<InputRole> roles = new HashSet<>();
    for (int i = 0; i < inputsNode.size(); i++) {
      String ipath = path + ".inputs[" + i + "]";
      JsonNode in = inputsNode.get(i);
      object(in, ipath);
      knownFields(in, ipath + ".", INPUT_FIELDS);
      String name = requireText(in, "name", ipath + ".name");
      String roleText = requireText(in, "role", ipath + ".role");
      InputRole role;
      try {
        role = InputRole.parse(roleText);
      } catch (InvalidInputException e) {
        throw error(ipath + ".role", "unknown role '" + roleText + "'; expected one of " + ROLES);
      }
      if (!names.add(name)) {
        throw error(ipath + ".name", "input name '" + name + "' is used twice; every input has its own name");
      }
      if (!roles.add(role)) {
        throw error(ipath + ".role", "role '" + roleText + "' is given to two inputs; each role feeds one input");
      }
      if (role == InputRole.LOW_RES_VIDEO && stageIndex == 0) {
        throw error(
            ipath + ".role",
            "low_res_video is only for later cascade stages; the first stage has no previous video to condition on");
      }
      inputs.add(new GraphInput(name, role));
    }
    if (!roles.contains(InputRole.NOISY_VIDEO)) {
      throw error(path + ".inputs", "no input has role noisy_video; every denoiser graph takes the noisy video");
    }
    if (!roles.contains(InputRole.SIGMA) && !roles.contains(InputRole.C_NOISE)) {
      throw error(path + ".inputs", "no input has role sigma or c_noise; the network must be told the noise level");
    }
    if (roles.contains(InputRole.KNOWN_FRAMES) != roles.contains(InputRole.KNOWN_MASK)) {
      throw error(
          path + ".inputs",
          "has a " + (roles.contains(InputRole.KNOWN_FRAMES) ? "known_frames input but no known_mask" : "known_mask input but no known_frames")
              + " input; a stage that takes conditioning frames declares both (known_frames [B, C, T, H, W], known_mask [B, T])");
    }
    if (roles.contains(InputRole.CONDITIONING_MASK) && !roles.contains(InputRole.CONDITIONING)) {
      throw error(path + ".inputs", "has a conditioning_mask input but no conditioning input");
    }
    if (stageIndex > 0 && !roles.contains(InputRole.LOW_RES_VIDEO)) {
      throw error(
          path + ".inputs",
          "no input has role low_res_video; a later cascade stage must be conditioned on the previous stage's video");
    }
    return new Graph(file, path + ".file", List.copyOf(inputs), output, dynamicBatch, precision);
  }

  private EncoderSpec encoder(JsonNode node) {
    object(node, "encoder");
    knownFields(node, "encoder.", ENCODER_FIELDS);
    String provider = requireText(node, "provider", "encoder.provider");
    if (!PROVIDER_NAME.matcher(provider).matches()) {
      throw error(
          "encoder.provider",
          "'" + provider + "' is not a provider name (lower-case letters and digits, single dashes), e.g. mllm");
    }
    Map<String, String> settings = new TreeMap<>();
    JsonNode s = node.get("settings");
    if (s != null) {
      object(s, "encoder.settings");
      for (Map.Entry<String, JsonNode> e : s.properties()) {
        JsonNode v = e.getValue();
        String field = "encoder.settings." + e.getKey();
        if (e.getKey().isBlank()) {
          throw error("encoder.settings", "a setting has an empty name");
        }
        if (!v.isValueNode() || v.isNull()) {
          throw error(field, "must be a string, number or boolean but is " + v.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        settings.put(e.getKey(), v.asText());
      }
    }
    return new EncoderSpec(provider, settings);
  }

  /** Builds the API's stage record from a parsed stage and its resolved graphs. */
  static StageSpec toSpec(Stage s, Map<String, dev.vimi.spi.GraphSpec> graphs) {
    return new StageSpec(
        s.name(), s.channels(), s.frames(), s.height(), s.width(), s.fps(), s.outputKind(), s.sigmaData(),
        s.sigmaMin(), s.sigmaMax(), s.rho(), s.steps(), s.guidance(), s.lowResResize(), s.conditioningLength(),
        s.conditioningDim(), graphs);
  }

  // ---- small typed accessors; every error names the field ----

  private ModelBundleException error(String field, String message) {
    return new ModelBundleException(source, field, message);
  }

  private void object(JsonNode node, String path) {
    if (!node.isObject()) {
      throw error(path, "must be a JSON object but is " + kind(node));
    }
  }

  private void knownFields(JsonNode node, String prefix, List<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw error(prefix + n, "unknown field; expected one of " + allowed + " (check the spelling)");
      }
    }
  }

  private JsonNode required(JsonNode node, String key, String path) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw error(path, "missing");
    }
    return v;
  }

  private String requireText(JsonNode node, String key, String path) {
    return text(required(node, key, path), path);
  }

  private String text(JsonNode v, String path) {
    if (!v.isTextual()) {
      throw error(path, "must be a string but is " + kind(v));
    }
    String s = v.textValue();
    if (s.isBlank()) {
      throw error(path, "must not be empty");
    }
    return s;
  }

  private int requireInt(JsonNode node, String key, String parent, int min, int max) {
    String path = parent + "." + key;
    JsonNode v = required(node, key, path);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw error(path, "must be an integer but is " + v);
    }
    int i = v.intValue();
    if (i < min || i > max) {
      throw error(path, "must be in [" + min + ", " + max + "] but is " + i);
    }
    return i;
  }

  private double optDouble(JsonNode node, String key, String parent, double dflt) {
    JsonNode v = node.get(key);
    return v == null ? dflt : number(v, parent + "." + key);
  }

  private double number(JsonNode v, String path) {
    if (!v.isNumber()) {
      throw error(path, "must be a number but is " + kind(v));
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      throw error(path, "must be a finite number but is " + v);
    }
    return d;
  }

  private void positive(String path, double v) {
    if (!(v > 0)) {
      throw error(path, "must be positive but is " + v);
    }
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "the string \"" + v.textValue() + "\"";
      case NUMBER, BOOLEAN -> v.toString();
      case NULL -> "null";
      default -> "a " + v.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
