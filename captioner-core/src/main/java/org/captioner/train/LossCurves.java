package org.captioner.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.captioner.provenance.EpochRecord;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws training and validation loss per epoch (and validation CIDEr on a second axis) as a PNG.
 * For a self-critical run the training series is the mean reward of the sampled captions (their
 * CIDEr-D, less any hallucination penalty), drawn on the CIDEr axis.
 */
final class LossCurves {
    private LossCurves() {}

    static void write(Path file, List<EpochRecord> history, boolean selfCritical) throws IOException {
        XYSeries train = new XYSeries(selfCritical ? "train: reward of sampled captions" : "train loss");
        XYSeries val = new XYSeries("validation loss");
        XYSeries cider = new XYSeries("validation CIDEr (greedy)");
        for (EpochRecord r : history) {
            train.add(r.epoch(), selfCritical ? -r.trainLoss() : r.trainLoss());
            if (!Double.isNaN(r.validationLoss())) {
                val.add(r.epoch(), r.validationLoss());
            }
            if (!Double.isNaN(r.validationCider())) {
                cider.add(r.epoch(), r.validationCider());
            }
        }
        XYSeriesCollection losses = new XYSeriesCollection();
        if (!selfCritical) {
            losses.addSeries(train);
        }
        losses.addSeries(val);
        JFreeChart chart = ChartFactory.createXYLineChart("Training curves", "epoch", "cross-entropy per word",
                losses, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, true);
        lossRenderer.setSeriesPaint(losses.getSeriesIndex("validation loss"), java.awt.Color.decode("#4040d0"));
        plot.setRenderer(0, lossRenderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        XYSeriesCollection ciders = new XYSeriesCollection(cider);
        if (selfCritical) {
            ciders.addSeries(train);
        }
        if (cider.getItemCount() > 0 || selfCritical) {
            NumberAxis ciderAxis = new NumberAxis("CIDEr");
            ciderAxis.setAutoRangeIncludesZero(false);
            plot.setRangeAxis(1, ciderAxis);
            plot.setDataset(1, ciders);
            plot.mapDatasetToRangeAxis(1, 1);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            r.setSeriesPaint(0, java.awt.Color.decode("#2a7f2a"));
            r.setSeriesPaint(1, java.awt.Color.decode("#d04040"));
            plot.setRenderer(1, r);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 500);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
