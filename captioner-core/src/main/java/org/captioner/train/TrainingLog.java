package org.captioner.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.captioner.provenance.EpochRecord;

/** The per-epoch CSV log. */
final class TrainingLog {
    private TrainingLog() {}

    static void write(Path file, List<EpochRecord> history) throws IOException {
        StringBuilder sb = new StringBuilder(
                "epoch,learning_rate,train_loss,validation_loss,validation_cider,seconds,tokens_per_second\n");
        for (EpochRecord r : history) {
            sb.append(String.format(Locale.ROOT, "%d,%.6g,%.6f,%.6f,%.6f,%.1f,%.0f%n", r.epoch(), r.learningRate(),
                    r.trainLoss(), r.validationLoss(), r.validationCider(), r.seconds(), r.tokensPerSecond()));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
