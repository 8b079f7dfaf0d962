package org.captioner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with global-norm gradient clipping, whose moments can be saved and restored. DJL's own
 * Adam keeps its moments private, which would make an interrupted run resume with a different
 * optimiser state; this one checkpoints them so a resumed run continues exactly.
 */
final class AdamOptimizer {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final List<Parameter> parameters;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private long steps;

    AdamOptimizer(Iterable<Pair<String, Parameter>> named, NDManager stateManager) {
        this.parameters = new ArrayList<>();
        for (Pair<String, Parameter> p : named) {
            if (p.getValue().requiresGradient()) {
                parameters.add(p.getValue());
                NDArray w = p.getValue().getArray();
                firstMoments.add(stateManager.zeros(w.getShape(), w.getDataType()));
                secondMoments.add(stateManager.zeros(w.getShape(), w.getDataType()));
            }
        }
    }

    long steps() {
        return steps;
    }

    /**
     * Clips the gradients to {@code clipNorm} (global L2 norm), applies one Adam update at
     * {@code learningRate}, zeroes the gradients, and returns the norm before clipping.
     */
    double step(double learningRate, double clipNorm, NDManager scratch) {
        List<NDArray> grads = new ArrayList<>(parameters.size());
        double sumSquares = 0;
        for (Parameter p : parameters) {
            // getGradient() makes a new handle in the weight's long-lived manager: move it to scratch.
            NDArray g = p.getArray().getGradient();
            g.attach(scratch);
            grads.add(g);
            sumSquares += g.square().sum().getFloat();
        }
        double norm = Math.sqrt(sumSquares);
        double scale = norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0;
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        double stepSize = learningRate * Math.sqrt(correction2) / correction1;
        for (int i = 0; i < parameters.size(); i++) {
            NDArray g = grads.get(i).mul((float) scale);
            NDArray m = firstMoments.get(i);
            NDArray v = secondMoments.get(i);
            m.muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
            v.muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
            // Results of ops on m and v land in their long-lived manager: move each temporary to
            // scratch at once, or every step leaks parameter-sized arrays (~60 MB a step here).
            NDArray denominator = v.sqrt();
            denominator.attach(scratch);
            denominator.addi((float) (EPSILON * Math.sqrt(correction2)));
            NDArray update = m.div(denominator);
            update.attach(scratch);
            update.muli((float) stepSize);
            parameters.get(i).getArray().subi(update);
            grads.get(i).subi(grads.get(i));
        }
        return norm;
    }

    void save(Path file) throws IOException {
        NDList all = new NDList();
        all.addAll(firstMoments);
        all.addAll(secondMoments);
        Files.write(file, all.encode());
    }

    void load(Path file, long completedSteps) throws IOException {
        try (NDManager tmp = firstMoments.get(0).getManager().newSubManager()) {
            NDList all = NDList.decode(tmp, Files.readAllBytes(file));
            if (all.size() != 2 * parameters.size()) {
                throw new IOException("optimizer state " + file + " has " + all.size() + " arrays, expected "
                        + 2 * parameters.size());
            }
            for (int i = 0; i < parameters.size(); i++) {
                firstMoments.get(i).set(all.get(i).toFloatArray());
                secondMoments.get(i).set(all.get(parameters.size() + i).toFloatArray());
            }
        }
        steps = completedSteps;
    }
}
