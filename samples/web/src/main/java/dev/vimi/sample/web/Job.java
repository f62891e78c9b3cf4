package dev.vimi.sample.web;

import dev.vimi.api.Cancellation;
import dev.vimi.api.GenerationRequest;
import dev.vimi.spi.RetrievedItem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One generation a visitor asked for: its request, its state, the events it produced (kept, so that a
 * page that subscribes late sees them all), and the page that listens. When the last listener goes
 * away before the generation ends, the generation is cancelled: nobody would see it.
 *
 * <p>Thread-safe: the generating thread emits, request threads subscribe and read.
 */
final class Job {
  private static final Logger LOG = LoggerFactory.getLogger(Job.class);

  enum State {
    QUEUED,
    RUNNING,
    DONE,
    FAILED,
    CANCELLED;

    boolean ended() {
      return this == DONE || this == FAILED || this == CANCELLED;
    }
  }

  /** One server-sent event. */
  record Event(String name, Object data) {}

  final String id;
  final GenerationRequest request;
  final Path video;
  final Cancellation cancellation = new Cancellation();
  private final List<Event> events = new ArrayList<>();
  private final List<SseEmitter> listeners = new ArrayList<>();
  private State state = State.QUEUED;
  private boolean everListened;
  private volatile List<RetrievedItem> retrieved = List.of();

  Job(String id, GenerationRequest request, Path video) {
    this.id = id;
    this.request = request;
    this.video = video;
  }

  synchronized State state() {
    return state;
  }

  List<RetrievedItem> retrieved() {
    return retrieved;
  }

  void retrieved(List<RetrievedItem> items) {
    this.retrieved = List.copyOf(items);
  }

  /** Moves to {@code next} unless the job already ended; false if it had. */
  synchronized boolean state(State next) {
    if (state.ended()) {
      return false;
    }
    state = next;
    return true;
  }

  /** Records an event and sends it to every listener; listeners that are gone are dropped. */
  synchronized void emit(String name, Object data) {
    Event e = new Event(name, data);
    events.add(e);
    for (SseEmitter l : List.copyOf(listeners)) {
      send(l, e);
    }
  }

  /** Emits the last event and completes every listener. */
  synchronized void end(State end, String name, Object data) {
    state = end;
    emit(name, data);
    for (SseEmitter l : List.copyOf(listeners)) {
      l.complete();
    }
    listeners.clear();
  }

  /** Sends every event so far to {@code emitter}, then the live ones; completes it when the job ended. */
  synchronized void listen(SseEmitter emitter) {
    everListened = true;
    listeners.add(emitter);
    emitter.onCompletion(() -> gone(emitter));
    emitter.onTimeout(() -> gone(emitter));
    emitter.onError(t -> gone(emitter));
    for (Event e : List.copyOf(events)) {
      send(emitter, e);
    }
    if (state.ended()) {
      listeners.remove(emitter);
      emitter.complete();
    }
  }

  private void send(SseEmitter l, Event e) {
    try {
      l.send(SseEmitter.event().name(e.name()).data(e.data()));
    } catch (IOException | IllegalStateException ex) {
      LOG.debug("listener of generation {} is gone: {}", id, ex.toString());
      gone(l);
    }
  }

  private synchronized void gone(SseEmitter l) {
    if (listeners.remove(l) && listeners.isEmpty() && everListened && !state.ended()) {
      LOG.info("generation {}: its page went away; cancelling it", id);
      cancellation.cancel();
    }
  }

  synchronized Map<String, Object> summary() {
    return Map.of("id", id, "state", state.name().toLowerCase(Locale.ROOT));
  }
}
