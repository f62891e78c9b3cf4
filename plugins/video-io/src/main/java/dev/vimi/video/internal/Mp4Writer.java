package dev.vimi.video.internal;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder.EncodedFrame;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MP4 (ISO base media, brand {@code isom}) with one H.264 Baseline video track, encoded
 * by jcodec. See {@link Mp4WriterProvider} for the choices made (odd sizes, colour, quality).
 * Stateless and thread-safe: every call builds its own encoder.
 */
final class Mp4Writer implements VideoWriter {
  private static final Logger LOG = LoggerFactory.getLogger(Mp4Writer.class);

  private final int qp;
  private final int keyInterval;

  Mp4Writer(int qp, int keyInterval) {
    this.qp = qp;
    this.keyInterval = keyInterval;
  }

  @Override
  public void write(Video video, Path target, int scale) throws IOException {
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(target, "target");
    FrameImages.checkScale(video, scale);
    long w = (long) video.width() * scale;
    long h = (long) video.height() * scale;
    long macroblocks = ((w + 15) / 16) * ((h + 15) / 16);
    if (macroblocks > H264Levels.MAX_FRAME_MACROBLOCKS) {
      throw new InvalidInputException(
          "scale",
          w
              + "x"
              + h
              + " frames are larger than H.264 allows ("
              + H264Levels.MAX_FRAME_MACROBLOCKS
              + " macroblocks of 16x16, about 8192x4320); use a smaller scale");
    }
    OutputTargets.writeFile(target, "MP4 video", ".mp4", tmp -> encode(video, scale, tmp, target));
  }

  private void encode(Video video, int scale, Path tmp, Path target) throws IOException {
    int w = video.width() * scale;
    int h = video.height() * scale;
    // H.264 4:2:0 crops in steps of 2 pixels: an odd side is padded by one repeated edge pixel
    int codedW = w + (w & 1);
    int codedH = h + (h & 1);
    if (codedW != w || codedH != h) {
      LOG.info("{}x{} frames padded to {}x{} for H.264 (even sizes only) in {}", w, h, codedW, codedH, target);
    }
    FrameRate rate = FrameRate.of(video.fps());
    // 4x the rows: a 1024-byte slice buffer per macroblock (see Bt601.newPicture)
    Picture pic = Bt601.newPicture(codedW, codedH, 4);
    int macroblocks = ((codedW + 15) >> 4) * ((codedH + 15) >> 4);
    int level = H264Levels.levelFor((codedW + 15) >> 4, (codedH + 15) >> 4, rate.fps());
    SignalledH264Encoder encoder =
        new SignalledH264Encoder(new ConstantQpRateControl(qp, macroblocks), keyInterval, level);
    // the encoder's output holds its slice buffer plus parameter sets and NAL escaping
    int sliceBuffer = pic.getWidth() * pic.getHeight();
    ByteBuffer out = ByteBuffer.allocate(sliceBuffer + (sliceBuffer >> 3) + 4096);
    OutputTargets.checkInterrupt(target); // before the (interruptible) file channel sees it
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        FileChannelWrapper sink = new FileChannelWrapper(ch)) {
      MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(sink);
      MuxerTrack track =
          muxer.addVideoTrack(Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(new Size(codedW, codedH), ColorSpace.YUV420J));
      for (int t = 0; t < video.frameCount(); t++) {
        OutputTargets.checkInterrupt(target);
        Bt601.fill(FrameImages.pixels(video, t, scale), w, h, pic);
        out.clear();
        EncodedFrame frame = encoder.encodeFrame(pic, out);
        Packet packet =
            Packet.createPacket(
                NIOUtils.clone(frame.getData()),
                (long) t * rate.frameDuration(),
                rate.timescale(),
                rate.frameDuration(),
                t,
                frame.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER,
                null);
        track.addFrame(packet);
      }
      muxer.finish();
    } catch (RuntimeException e) {
      // jcodec reports encoder and muxer failures as unchecked exceptions
      throw new IOException("H.264/MP4 encoding of " + target + " failed: " + e, e);
    }
    LOG.debug(
        "wrote {} frames of {}x{} at {} fps (qp {}, level {}) to {}",
        video.frameCount(),
        codedW,
        codedH,
        rate.fps(),
        qp,
        level / 10.0,
        target);
  }
}
