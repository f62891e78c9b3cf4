package dev.vimi.api.model;

import dev.vimi.spi.ConfigurationException;
import java.io.Serial;
import java.util.Objects;
import java.util.Optional;

/**
 * A model bundle does not match its manifest, or the manifest is malformed. The message starts with
 * the file ({@code /models/m/vimi-model.json} or {@code classpath:models/m/base.onnx}) and, for
 * manifest errors, the JSON field ({@code stages[1].graphs.onnx.inputs[2].role}), and then says what
 * is wrong and how to fix it.
 */
public final class ModelBundleException extends ConfigurationException {
  @Serial private static final long serialVersionUID = 1L;

  private final String file;
  private final String field;

  ModelBundleException(String file, String field, String message) {
    super(file + ": " + (field == null ? "" : field + ": ") + message);
    this.file = Objects.requireNonNull(file, "file");
    this.field = field;
  }

  ModelBundleException(String file, String field, String message, Throwable cause) {
    super(file + ": " + (field == null ? "" : field + ": ") + message, cause);
    this.file = Objects.requireNonNull(file, "file");
    this.field = field;
  }

  /** The file that is wrong, as shown in the message (a path or a {@code classpath:} name). */
  public String file() {
    return file;
  }

  /** The JSON field of the manifest that is wrong, e.g. {@code stages[0].sigma_min}; empty for file errors. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
