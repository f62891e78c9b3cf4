/**
 * The {@code vimi} command line. An application, not a library: it exports nothing. Run it with
 * {@code ./vimi} from the repository root, or {@code java -jar samples/cli/target/vimi-cli.jar}.
 */
module dev.vimi.cli {
  requires dev.vimi.api;
  requires dev.vimi.image;
  requires dev.vimi.memory.formats;
  requires dev.vimi.retriever.lucene;
  requires dev.vimi.memory.emoji;
  requires dev.vimi.video;
  requires dev.vimi.retriever.vespa;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires java.logging;
  requires java.management;

  opens dev.vimi.cli to info.picocli;
}
