package dev.vimi.video.internal;

import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.model.Size;

/**
 * jcodec's baseline H.264 encoder, with the colour signalling that jcodec leaves out: the sequence
 * parameter set carries VUI {@code video_signal_type} saying limited range, BT.601 (SMPTE 170M)
 * primaries, transfer and matrix, matching {@link Bt601}. Without it players guess, and many guess
 * BT.709 for larger frames. It also states the level the video needs instead of jcodec's fixed 4.0.
 * Not thread-safe: one per video.
 */
final class SignalledH264Encoder extends H264Encoder {
  /** ITU-T H.264 Table E-3/E-4/E-5 code for SMPTE 170M (BT.601 525-line). */
  static final int SMPTE_170M = 6;
  /** ITU-T H.264 Table E-2: video_format "unspecified". */
  private static final int FORMAT_UNSPECIFIED = 5;

  private final int levelIdc;

  /** @param levelIdc H.264 level times ten (31 = level 3.1), from {@link H264Levels} */
  SignalledH264Encoder(RateControl rc, int keyInterval, int levelIdc) {
    super(rc);
    setKeyInterval(keyInterval);
    this.levelIdc = levelIdc;
  }

  @Override
  public SeqParameterSet initSPS(Size size) {
    SeqParameterSet sps = super.initSPS(size);
    sps.levelIdc = levelIdc; // jcodec always writes 4.0
    VUIParameters vui = new VUIParameters();
    vui.videoSignalTypePresentFlag = true;
    vui.videoFormat = FORMAT_UNSPECIFIED;
    vui.videoFullRangeFlag = false;
    vui.colourDescriptionPresentFlag = true;
    vui.colourPrimaries = SMPTE_170M;
    vui.transferCharacteristics = SMPTE_170M;
    vui.matrixCoefficients = SMPTE_170M;
    sps.vuiParams = vui;
    return sps;
  }
}
