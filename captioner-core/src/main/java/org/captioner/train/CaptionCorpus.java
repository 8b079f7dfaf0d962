package org.captioner.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.captioner.data.CaptionedImage;
import org.captioner.features.FeatureStore;
import org.captioner.text.PtbTokenizer;
import org.captioner.text.Vocabulary;

/**
 * A split prepared for the decoder: one feature vector per image and every caption as word ids
 * ({@code <start> ... <end>}). Images without a stored feature vector are left out and counted.
 * Built {@link #buildWithMirrors with mirrors}, it also holds each image's mirror-image features,
 * and {@link #drawingMirrors} gives an epoch's view in which each image is shown one way or the
 * other (the captions are the same: left and right are rare words in them).
 */
public final class CaptionCorpus {

    private final List<String> imageIds;
    private final float[][] features;
    private final float[][] mirrors;
    private final List<List<String>> references;
    private final int[][] captions;
    private final int[] captionImage;
    private final int skipped;

    private CaptionCorpus(List<String> imageIds, float[][] features, float[][] mirrors,
            List<List<String>> references, int[][] captions, int[] captionImage, int skipped) {
        this.imageIds = imageIds;
        this.features = features;
        this.mirrors = mirrors;
        this.references = references;
        this.captions = captions;
        this.captionImage = captionImage;
        this.skipped = skipped;
    }

    private CaptionCorpus(List<String> imageIds, float[][] features, List<List<String>> references,
            int[][] captions, int[] captionImage, int skipped) {
        this(imageIds, features, null, references, captions, captionImage, skipped);
    }

    /**
     * Like {@link #build}, with each image's mirror image ({@link FeatureStore#flippedId}, written by
     * {@code features --flip}) held beside it.
     *
     * @throws MissingMirrorException when the store lacks a mirror image of a kept image
     */
    public static CaptionCorpus buildWithMirrors(List<CaptionedImage> images, FeatureStore store,
            Vocabulary vocabulary, int maxWords) throws IOException {
        CaptionCorpus plain = build(images, store, vocabulary, maxWords);
        float[][] mirrors = new float[plain.imageCount()][];
        for (int i = 0; i < mirrors.length; i++) {
            mirrors[i] = store.get(FeatureStore.flippedId(plain.imageId(i)));
            if (mirrors[i] == null) {
                throw new MissingMirrorException("feature cache " + store.dir() + " has no mirror image of "
                        + plain.imageId(i) + " (extract with features --flip)");
            }
        }
        return new CaptionCorpus(plain.imageIds, plain.features, mirrors, plain.references, plain.captions,
                plain.captionImage, plain.skipped);
    }

    /** A cache without the mirror images a corpus was asked to hold. */
    public static final class MissingMirrorException extends IOException {
        public MissingMirrorException(String message) {
            super(message);
        }
    }

    /** Whether the corpus holds mirror images. */
    public boolean hasMirrors() {
        return mirrors != null;
    }

    /**
     * One epoch's view: each image shown as itself or as its mirror image, a fair coin from
     * {@code random} per image in order (the same random, the same view: a resumed run sees the
     * epochs it would have seen). Without mirrors, this corpus.
     */
    public CaptionCorpus drawingMirrors(java.util.Random random) {
        if (mirrors == null) {
            return this;
        }
        float[][] shown = new float[features.length][];
        for (int i = 0; i < shown.length; i++) {
            shown[i] = random.nextBoolean() ? mirrors[i] : features[i];
        }
        return new CaptionCorpus(imageIds, shown, null, references, captions, captionImage, skipped);
    }

    /** Tokenised captions of {@code images}, for building a vocabulary. */
    public static List<List<String>> tokenise(List<CaptionedImage> images) {
        PtbTokenizer tokenizer = PtbTokenizer.get();
        List<List<String>> out = new ArrayList<>();
        for (CaptionedImage image : images) {
            for (String c : image.captions()) {
                out.add(tokenizer.tokenize(c));
            }
        }
        return out;
    }

    public static CaptionCorpus build(List<CaptionedImage> images, FeatureStore store, Vocabulary vocabulary,
            int maxWords) throws IOException {
        PtbTokenizer tokenizer = PtbTokenizer.get();
        List<String> ids = new ArrayList<>();
        List<float[]> feats = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        List<int[]> caps = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        int skipped = 0;
        for (CaptionedImage image : images) {
            float[] f = store.get(image.id());
            if (f == null) {
                skipped++;
                continue;
            }
            int index = ids.size();
            ids.add(image.id());
            feats.add(f);
            refs.add(image.captions());
            for (String c : image.captions()) {
                caps.add(vocabulary.ids(tokenizer.tokenize(c), maxWords));
                owner.add(index);
            }
        }
        return new CaptionCorpus(List.copyOf(ids), feats.toArray(new float[0][]), List.copyOf(refs),
                caps.toArray(new int[0][]), owner.stream().mapToInt(Integer::intValue).toArray(), skipped);
    }

    /** A corpus from vectors in memory (tests, tools). */
    public static CaptionCorpus of(Map<String, float[]> features, Map<String, List<String>> captions,
            Vocabulary vocabulary, int maxWords) {
        PtbTokenizer tokenizer = PtbTokenizer.get();
        List<String> ids = new ArrayList<>(features.keySet());
        float[][] feats = new float[ids.size()][];
        List<List<String>> refs = new ArrayList<>();
        List<int[]> caps = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            feats[i] = features.get(ids.get(i));
            List<String> c = captions.get(ids.get(i));
            refs.add(c);
            for (String s : c) {
                caps.add(vocabulary.ids(tokenizer.tokenize(s), maxWords));
                owner.add(i);
            }
        }
        return new CaptionCorpus(ids, feats, refs, caps.toArray(new int[0][]),
                owner.stream().mapToInt(Integer::intValue).toArray(), 0);
    }

    public int imageCount() {
        return imageIds.size();
    }

    public int captionCount() {
        return captions.length;
    }

    public int skipped() {
        return skipped;
    }

    public String imageId(int image) {
        return imageIds.get(image);
    }

    public float[] features(int image) {
        return features[image];
    }

    public List<String> references(int image) {
        return references.get(image);
    }

    public int[] caption(int caption) {
        return captions[caption];
    }

    public int captionImage(int caption) {
        return captionImage[caption];
    }

    public int featureSize() {
        return features.length == 0 ? 0 : features[0].length;
    }
}
