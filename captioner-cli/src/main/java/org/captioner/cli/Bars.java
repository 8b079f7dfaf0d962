package org.captioner.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.captioner.progress.Progress;

/** Core progress drawn as a progress bar on stderr (rate and ETA) with the progressbar library. */
final class Bars implements Progress {

    private final String unit;
    private ProgressBar bar;

    Bars(String unit) {
        this.unit = unit;
    }

    /** Whether stderr is a terminal (a bar would only clutter a log file otherwise). */
    static boolean stderrIsTerminal() {
        try {
            Path fd = Path.of("/proc/self/fd/2");
            if (Files.exists(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception e) {
            // fall through
        }
        return System.console() != null;
    }

    static Progress when(boolean show, String unit) {
        return show ? new Bars(unit) : Progress.NONE;
    }

    @Override
    public synchronized void start(String task, long total, long done) {
        finish();
        boolean terminal = stderrIsTerminal();
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                // In a log file, a redrawn bar is noise: print a plain line every 15 s instead.
                .setUpdateIntervalMillis(terminal ? 500 : 15_000)
                .setConsumer(terminal
                        ? new ConsoleProgressBarConsumer(System.err, 110)
                        : new DelegatingProgressBarConsumer(System.err::println, 110))
                .startsFrom(done, java.time.Duration.ZERO)
                .build();
    }

    @Override
    public synchronized void advance(long units, String status) {
        if (bar != null) {
            bar.stepBy(units);
            if (status != null && !status.isEmpty()) {
                bar.setExtraMessage(" " + status);
            }
        }
    }

    @Override
    public synchronized void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
