/**
 * Video output for vimi (input images are read by {@code dev.vimi.image.ImageLoader}).
 *
 * <ul>
 *   <li>Writers, found through {@link dev.vimi.spi.VideoWriterProvider} by name or by the target's
 *       extension ({@link dev.vimi.video.VideoWriters}): {@link dev.vimi.video.Mp4WriterProvider
 *       "mp4"} (H.264 via jcodec), {@code "gif"} (animated,
 *       looping) and {@code "png"} (a folder of frames). All
 *       take an integer nearest-neighbour upscale for viewing tiny videos, and all write to a hidden
 *       temporary sibling that is renamed into place, so a target is either complete or untouched.
 *   <li>{@link dev.vimi.video.ContactSheet}: every frame of a video in one PNG.
 * </ul>
 *
 * <p>The writers themselves live in the non-exported {@code dev.vimi.video.internal}; hosts reach them
 * by name or extension through {@link dev.vimi.video.VideoWriters} (or vimi-api's registry).
 *
 * <p>Everything here is stateless or immutable and safe to use from many threads.
 */
package dev.vimi.video;
