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
 */
public final class CaptionCorpus {

    private final List<String> imageIds;
    private final float[][] features;
    private final List<List<String>> references;
    private final int[][] captions;
    private final int[] captionImage;
    private final int skipped;

    private CaptionCorpus(List<String> imageIds, float[][] features, List<List<String>> references,
            int[][] captions, int[] captionImage, int skipped) {
        this.imageIds = imageIds;
        this.features = features;
        this.references = references;
        this.captions = captions;
        this.captionImage = captionImage;
        this.skipped = skipped;
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
