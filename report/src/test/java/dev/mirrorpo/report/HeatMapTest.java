package dev.mirrorpo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heat map shows each entry that has a return, where its row and column are, in its colour. */
class HeatMapTest {
  /** dpo has no return on noisy (not trained, or every seed diverged): a blank block. */
  private static final HeatMap.Grid GRID = new HeatMap.Grid("hopper", List.of("sft", "dpo"), List.of("base", "noisy"),
      Map.of("sft", Map.of("base", 100.0, "noisy", 300.0), "dpo", Map.of("base", 200.0)));

  @Test
  void eachReturnIsABlockAtItsRowAndColumnLabelledWithItsValue() {
    XYPlot plot = HeatMap.chart(GRID).getXYPlot();
    XYZDataset data = (XYZDataset) plot.getDataset();
    assertEquals(3, data.getItemCount(0), "three entries have a return");
    List<String> blocks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      blocks.add(data.getXValue(0, i) + "," + data.getYValue(0, i) + "=" + data.getZValue(0, i));
    }
    // The first row on top: sft at y = 1, dpo at y = 0.
    assertEquals(List.of("0.0,1.0=100.0", "1.0,1.0=300.0", "0.0,0.0=200.0"), blocks);
    assertEquals("base", ((SymbolAxis) plot.getDomainAxis()).getSymbols()[0]);
    assertEquals("sft", ((SymbolAxis) plot.getRangeAxis()).getSymbols()[1]);
    List<String> labels = new ArrayList<>();
    for (XYAnnotation annotation : plot.getAnnotations()) {
      labels.add(((XYTextAnnotation) annotation).getText());
    }
    assertEquals(List.of("100.0", "300.0", "200.0"), labels);
    XYBlockRenderer renderer = (XYBlockRenderer) plot.getRenderer();
    assertEquals(HeatMap.PALETTE.get(0), renderer.getPaintScale().getPaint(100.0), "the lowest return: blue");
    assertEquals(HeatMap.PALETTE.get(4), renderer.getPaintScale().getPaint(200.0), "the middle: pale yellow");
    assertEquals(HeatMap.PALETTE.get(8), renderer.getPaintScale().getPaint(300.0), "the highest: red");
  }

  @Test
  void thePngGrowsWithTheTable(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("heatmap-hopper.png");
    HeatMap.write(GRID, file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(HeatMap.width(2), image.getWidth());
    assertEquals(HeatMap.height(2), image.getHeight());
  }
}
