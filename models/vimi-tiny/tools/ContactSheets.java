import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import dev.vimi.video.ContactSheet;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * The contact sheet of ViMi-tiny's README: for the first items of each group of the evaluation set
 * (models/vimi-tiny/eval/grounding.json), the SDK's video (every other frame of the 72x128 output,
 * dev.vimi.video.ContactSheet) under its prompt, one row per video; held-out subjects with retrieval on
 * and off.
 *
 * <p>Usage: java -cp $(models/vimi-tiny/tools/classpath.sh) models/vimi-tiny/tools/ContactSheets.java
 * BUNDLE MEMORY_INDEX_DIR OUT.png [PER_GROUP] [SEED]
 */
public final class ContactSheets {
  public static void main(String[] args) throws Exception {
    Path bundle = Path.of(args[0]);
    Path memory = Path.of(args[1]);
    Path out = Path.of(args[2]);
    int perGroup = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 1000;
    Path repo = bundle.toAbsolutePath().getParent().getParent().getParent();
    JsonNode doc = new JsonMapper().readTree(repo.resolve("models/vimi-tiny/eval/grounding.json").toFile());
    ModelSpec spec = ModelBundle.load(bundle).spec();
    List<BufferedImage> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    try (VimiPipeline on = VimiPipeline.builder().model(spec).denoiser("onnx", Map.of()).retriever("lucene", Map.of("index.dir", memory.toString())).build();
        VimiPipeline off = VimiPipeline.builder().model(spec).denoiser("onnx", Map.of()).noRetriever().build()) {
      java.util.Map<String, Integer> taken = new java.util.HashMap<>();
      int i = 0;
      for (JsonNode it : doc.get("items")) {
        String group = it.get("group").asText();
        if (taken.merge(group, 1, Integer::sum) > perGroup) {
          continue;
        }
        List<ImageRef> images = new ArrayList<>();
        if (it.has("images")) {
          it.get("images").forEach(p -> images.add(ImageRef.of(repo.resolve(p.asText()))));
        }
        GenerationRequest.Builder b = GenerationRequest.builder().task(it.get("task").asText())
            .prompt(it.get("prompt").asText(), images.toArray(ImageRef[]::new)).seed(seed + i++);
        if (it.has("first_frame")) {
          b.firstFrame(ImageRef.of(repo.resolve(it.get("first_frame").asText())));
        }
        GenerationRequest req = b.build();
        boolean[] arms = group.equals("t2v-held") ? new boolean[] {true, false} : new boolean[] {group.equals("t2v-seen")};
        for (boolean retrieval : arms) {
          GenerationResult r = (retrieval ? on : off).generate(req);
          rows.add(ContactSheet.render(everyOther(r.video()), 8, 1));
          String ret = r.retrieved().isEmpty() ? "" : "  [retrieved: " + String.join(", ", r.retrieved().stream().map(RetrievedItem::caption).toList()) + "]";
          labels.add(group + (group.equals("t2v-held") ? (retrieval ? " (retrieval on)" : " (retrieval off)") : "")
              + ": \"" + it.get("prompt").asText() + "\"" + (it.has("images") ? " + sprite image" : "")
              + (it.has("first_frame") ? " + first frame" : "") + ret);
          System.out.println("row " + rows.size() + ": " + labels.get(labels.size() - 1));
        }
      }
    }
    int label = 18;
    int width = rows.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
    int height = rows.stream().mapToInt(r -> r.getHeight() + label).sum();
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int y = 0;
    for (int k = 0; k < rows.size(); k++) {
      g.setColor(Color.BLACK);
      g.drawString(labels.get(k), 4, y + 13);
      y += label;
      g.drawImage(rows.get(k), 0, y, null);
      y += rows.get(k).getHeight();
    }
    g.dispose();
    ImageIO.write(sheet, "png", out.toFile());
    System.out.println("wrote " + out + " (" + width + "x" + height + ")");
  }

  /** Frames 0, 2, ..., of a video. */
  static Video everyOther(Video v) {
    int t = v.frameCount();
    int n = (t + 1) / 2;
    int plane = v.height() * v.width();
    float[] all = v.frames().toArray();
    float[] out = new float[3 * n * plane];
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < n; k++) {
        System.arraycopy(all, (c * t + 2 * k) * plane, out, (c * n + k) * plane, plane);
      }
    }
    return new Video(Tensor.of(out, 3, n, v.height(), v.width()), v.fps() / 2);
  }
}
