package org.captioner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.captioner.metrics.Chair;
import org.captioner.metrics.CiderD;
import org.captioner.model.DecoderBlock;
import org.captioner.search.Hypothesis;
import org.captioner.search.SamplingSearch;
import org.captioner.search.SearchSettings;
import org.captioner.text.Vocabulary;

/**
 * The sampling half of self-critical sequence training (Rennie et al. 2017, with the "new SCST"
 * baseline of Luo 2020): for each image it draws several captions from the current decoder,
 * scores each with CIDEr-D against that image's training references, and gives each sample the
 * advantage {@code reward - mean reward of the image's other samples}. Captions better than their
 * siblings are made more likely, worse ones less; no greedy decode is needed for a baseline.
 *
 * <p>References are the vocabulary-encoded training captions (rare words as {@code <unk>}, at
 * most {@code maxWords}), i.e. exactly what the decoder could produce.
 */
final class SelfCriticalSampler {

    /**
     * The end marker counts as a word in the reward's n-grams. Without it, captions that stop
     * early on a safe "... on a" score as well as ones that name the place, and training learns
     * to drop final nouns (seen here within one epoch).
     */
    private static final String END_WORD = " " + Vocabulary.END;

    private final CiderD.Fixed reward;
    /** Per training image: the object classes its references name (what a sample may name unpunished). */
    private final List<Set<String>> referenceClasses;
    private final double hallucinationPenalty;
    private final Vocabulary vocabulary;
    private final int samples;
    private final SearchSettings sampling;

    SelfCriticalSampler(CaptionCorpus train, Vocabulary vocabulary, int samples, int maxWords) {
        this(train, vocabulary, samples, maxWords, 0);
    }

    /**
     * @param hallucinationPenalty subtracted from a sample's CIDEr-D for each object class it names
     *     that none of the image's references names (0: CIDEr-D alone)
     */
    SelfCriticalSampler(CaptionCorpus train, Vocabulary vocabulary, int samples, int maxWords,
            double hallucinationPenalty) {
        List<List<String>> references = new ArrayList<>();
        for (int i = 0; i < train.imageCount(); i++) {
            references.add(new ArrayList<>());
        }
        for (int c = 0; c < train.captionCount(); c++) {
            references.get(train.captionImage(c)).add(vocabulary.text(train.caption(c)) + END_WORD);
        }
        this.reward = new CiderD.Fixed(references);
        this.hallucinationPenalty = hallucinationPenalty;
        this.referenceClasses = new ArrayList<>();
        for (List<String> r : references) {
            referenceClasses.add(hallucinationPenalty == 0 ? Set.of() : Chair.standard().classesIn(r));
        }
        this.vocabulary = vocabulary;
        this.samples = samples;
        this.sampling = SearchSettings.of(maxWords, 0);
    }

    /** The words never drawn ({@code <pad>}, {@code <start>}, {@code <unk>}); the loss masks the same ones. */
    Set<Integer> banned() {
        return sampling.banned();
    }

    /** Sampled captions as a training batch, with one advantage per row. */
    record Draw(TeacherBatch batch, NDArray advantages, double meanReward) {}

    /** Samples for the images {@code order[from..to)}, drawn with {@code seed} (no dropout). */
    Draw draw(DecoderBlock decoder, CaptionCorpus train, int[] order, int from, int to, NDManager scratch,
            long seed) {
        int images = to - from;
        float[][] features = new float[images][];
        for (int i = 0; i < images; i++) {
            features[i] = train.features(order[from + i]);
        }
        List<List<Hypothesis>> drawn = new SamplingSearch(sampling, 1.0, seed)
                .search(decoder.searchModel(scratch), features, samples);
        int rows = images * samples;
        float[][] rowFeatures = new float[rows][];
        int[][] sequences = new int[rows][];
        float[] advantages = new float[rows];
        double rewardSum = 0;
        for (int i = 0; i < images; i++) {
            double[] r = new double[samples];
            double sum = 0;
            for (int s = 0; s < samples; s++) {
                Hypothesis h = drawn.get(i).get(s);
                r[s] = reward(order[from + i], vocabulary.text(h.words()), h.ended());
                sum += r[s];
                int row = i * samples + s;
                rowFeatures[row] = features[i];
                sequences[row] = withMarkers(h);
            }
            for (int s = 0; s < samples; s++) {
                double baseline = (sum - r[s]) / (samples - 1);
                advantages[i * samples + s] = (float) (r[s] - baseline);
            }
            rewardSum += sum;
        }
        TeacherBatch batch = TeacherBatch.of(rowFeatures, sequences, scratch);
        return new Draw(batch, scratch.create(advantages), rewardSum / rows);
    }

    /** A sample's reward: its CIDEr-D, less the penalty for each object class the references do not name. */
    double reward(int image, String caption, boolean ended) {
        double r = reward.score(image, caption + (ended ? END_WORD : ""));
        if (hallucinationPenalty > 0) {
            Set<String> named = new java.util.HashSet<>(Chair.standard().classesIn(caption));
            named.removeAll(referenceClasses.get(image));
            r -= hallucinationPenalty * named.size();
        }
        return r;
    }

    /** {@code <start> words [<end>]}: a caption cut at the length limit has no {@code <end>} to learn. */
    private static int[] withMarkers(Hypothesis h) {
        int[] w = h.words();
        int[] out = new int[w.length + (h.ended() ? 2 : 1)];
        out[0] = Vocabulary.START_ID;
        System.arraycopy(w, 0, out, 1, w.length);
        if (h.ended()) {
            out[out.length - 1] = Vocabulary.END_ID;
        }
        return out;
    }
}
