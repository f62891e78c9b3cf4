/**
 * Observing generations: {@link dev.vimi.api.observation.GenerationObserver} receives the start of
 * every generation and returns a {@link dev.vimi.api.observation.GenerationObservation} for its
 * events (phase and step timing, retrieval hits, encoder and denoiser calls, outcome). The {@code
 * vimi-micrometer} module turns them into Micrometer meters and an {@code Observation}. Nothing here
 * depends on a metrics library.
 */
package dev.vimi.api.observation;
