package dev.vimi.cli;

import dev.vimi.spi.ConfigKeys;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.VimiException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code vimi} command. Each subcommand is its own class; to add one (say {@code generate}),
 * write a class annotated with {@link Command} and add it to {@code subcommands} below.
 *
 * <p>Exit codes: 0 success, 1 failure while working, 2 bad usage, configuration or input.
 */
@Command(
    name = "vimi",
    mixinStandardHelpOptions = true,
    versionProvider = VimiCommand.Version.class,
    description = "Grounded video generation (ViMi): generate videos, manage the image-text memory, build retrieval-augmented data sets.",
    subcommands = {
      GenerateCommand.class,
      MemoryCommand.class,
      AugmentCommand.class,
      EvalCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class VimiCommand implements Runnable {
  @Spec CommandSpec spec;

  @CommandLine.Option(names = "--verbose", description = "Log progress details (INFO) and print stack traces of errors.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Kept so that the setting below is not lost when the logger is collected. */
  private static final java.util.logging.Logger LUCENE_VECTOR_LOG =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  public static void main(String[] args) {
    // Lucene suggests the incubating Vector API on every start; BM25 over text does not use vectors
    LUCENE_VECTOR_LOG.setLevel(java.util.logging.Level.SEVERE);
    System.exit(execute(args, System.out, System.err));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    // before the first logger exists: libraries log warnings only, unless --verbose
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    // DJL's own INFO lines (the native platform it found, its engines' thread counts, "Onnx extension not
    // found" once per graph) say nothing about the run; vimi logs its sessions, devices and pipeline itself
    System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "warn");
    if (!verbose || Arrays.stream(args).noneMatch(a -> a.contains("cuda"))) {
      // DJL probes for CUDA on every start and warns when a CPU-only machine has none; that is the normal
      // case here, and asking for --device cuda:N without a GPU is reported by vimi itself in one line
      // (with --verbose and a cuda device, DJL's reasons stay visible)
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl.onnxruntime.engine.OrtEngine", "error");
    }
    PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8);
    CommandLine cl = new CommandLine(new VimiCommand());
    cl.setOut(o);
    cl.setErr(e);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter w = commandLine.getErr();
          w.println();
          w.println("vimi: error: " + CliTerms.translate(ex.getMessage()));
          if (verbose) {
            ex.printStackTrace(w);
          } else if (!(ex instanceof VimiException)) {
            w.println("(run with --verbose for the stack trace)");
          }
          w.flush();
          return ex instanceof ConfigurationException || ex instanceof InvalidInputException || ex instanceof IllegalArgumentException ? 2 : 1;
        });
    cl.setParameterExceptionHandler(VimiCommand::badUsage);
    int code = cl.execute(args);
    o.flush();
    e.flush();
    return code;
  }

  /**
   * Bad usage: the message, then the command's usage. A mistyped option is named alone, with the
   * closest real option; the words picocli could not place after it (the value of the mistyped option,
   * a prompt that then counted as one word too many) are not listed as unknown options too.
   */
  private static int badUsage(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter w = cmd.getErr();
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      List<String> options = u.getUnmatched().stream().filter(a -> a.startsWith("-") && a.length() > 1).toList();
      if (!options.isEmpty()) {
        List<String> known = new ArrayList<>();
        cmd.getCommandSpec().options().forEach(o -> known.addAll(Arrays.asList(o.names())));
        for (String o : options) {
          String name = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
          String hint = ConfigKeys.suggest(name, known).map(s -> "; did you mean " + s + "?").orElse("");
          w.println("Unknown option: '" + name + "'" + hint);
        }
        w.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        w.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
      }
    }
    w.println(ex.getMessage());
    cmd.usage(w);
    w.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = VimiCommand.class.getPackage().getImplementationVersion();
      return new String[] {"vimi " + (v == null ? "0.1.0-SNAPSHOT" : v), "Java " + Runtime.version()};
    }
  }
}
