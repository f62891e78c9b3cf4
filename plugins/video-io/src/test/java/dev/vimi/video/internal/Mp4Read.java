package dev.vimi.video.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.boxes.VideoSampleEntry;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/** Reads an MP4 back with jcodec's own demuxer and H.264 decoder, for tests. */
final class Mp4Read {
  private Mp4Read() {}

  /** Decoded frames as packed 0xRRGGBB pixels, plus what the container says. */
  record Decoded(
      List<int[]> frames,
      int width,
      int height,
      long trackFrameCount,
      long timescale,
      double durationSeconds,
      int[] keyFrames,
      SeqParameterSet sps) {}

  static Decoded read(Path mp4) throws IOException, JCodecException {
    long frameCount;
    long timescale;
    double duration;
    int[] keys;
    SeqParameterSet sps;
    try (SeekableByteChannel ch = NIOUtils.readableChannel(mp4.toFile())) {
      MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(ch);
      AbstractMP4DemuxerTrack track = (AbstractMP4DemuxerTrack) demuxer.getVideoTrack();
      frameCount = track.getFrameCount();
      timescale = track.getTimescale();
      duration = track.getMeta().getTotalDuration();
      keys = track.getMeta().getSeekFrames();
      ByteBuffer spsBytes = H264Utils.parseAVCC((VideoSampleEntry) track.getSampleEntries()[0]).getSpsList().get(0);
      sps = H264Utils.readSPS(spsBytes); // the avcC parser has already dropped the NAL header byte
    }
    List<int[]> frames = new ArrayList<>();
    int w = -1;
    int h = -1;
    try (SeekableByteChannel ch = NIOUtils.readableChannel(mp4.toFile())) {
      FrameGrab grab = FrameGrab.createFrameGrab(ch);
      Picture pic;
      while ((pic = grab.getNativeFrame()) != null) {
        w = pic.getCroppedWidth();
        h = pic.getCroppedHeight();
        frames.add(toRgb(pic, w, h));
      }
    }
    return new Decoded(frames, w, h, frameCount, timescale, duration, keys, sps);
  }

  /** Limited-range BT.601 Y'CbCr 4:2:0 to RGB (the inverse of what the writer signals). */
  static int[] toRgb(Picture pic, int w, int h) {
    byte[] yp = pic.getPlaneData(0);
    byte[] cb = pic.getPlaneData(1);
    byte[] cr = pic.getPlaneData(2);
    int ys = pic.getPlaneWidth(0);
    int cs = pic.getPlaneWidth(1);
    int[] out = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double yy = (yp[y * ys + x] + 128) - 16;
        double u = (cb[(y >> 1) * cs + (x >> 1)] + 128) - 128;
        double v = (cr[(y >> 1) * cs + (x >> 1)] + 128) - 128;
        int r = clip(1.164383 * yy + 1.596027 * v);
        int g = clip(1.164383 * yy - 0.391762 * u - 0.812968 * v);
        int b = clip(1.164383 * yy + 2.017232 * u);
        out[y * w + x] = (r << 16) | (g << 8) | b;
      }
    }
    return out;
  }

  private static int clip(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
