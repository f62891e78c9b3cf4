/**
 * The implementation of vimi's video writers ({@code mp4}, {@code gif}, {@code png}) and their shared
 * helpers. Not exported: hosts reach the writers through {@link dev.vimi.video.VideoWriters} or vimi's
 * registry, by name or by the target's extension.
 */
package dev.vimi.video.internal;
