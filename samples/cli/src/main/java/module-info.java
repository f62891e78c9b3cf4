/**
 * The {@code vimi} command line. An application, not a library: it exports nothing. Run it with
 * {@code ./vimi} from the repository root, or {@code java -jar samples/cli/target/vimi-cli.jar}.
 *
 * <p>It reads no plugin, backend or encoder module: it reaches retrievers, encoders and denoisers by
 * name through vimi-api's registry, and their jars join the module path (or class path) at run time
 * (runtime-scope dependencies in the pom, copied to {@code target/lib}). {@code ArchitectureTest}
 * keeps it so.
 */
module dev.vimi.cli {
  requires dev.vimi.api;
  requires dev.vimi.augment;
  requires dev.vimi.image;
  requires dev.vimi.memory.formats;
  requires dev.vimi.memory.emoji;
  requires dev.vimi.video;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires java.logging;
  requires java.management;

  opens dev.vimi.cli to info.picocli;
}
