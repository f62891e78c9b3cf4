package dev.vimi.spi;

/** Service interface for task instructions. */
public interface TaskProvider extends NamedProvider {

  /** Creates the task; most tasks need no configuration. */
  TaskInstruction create(ProviderConfig config);
}
