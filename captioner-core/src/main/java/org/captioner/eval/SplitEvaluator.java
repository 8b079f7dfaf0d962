package org.captioner.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.captioner.caption.CaptionOptions;
import org.captioner.caption.CaptionResult;
import org.captioner.caption.Captioner;
import org.captioner.caption.ImageInput;
import org.captioner.caption.ScoredCaption;
import org.captioner.data.CaptionedImage;
import org.captioner.data.SplitData;
import org.captioner.features.FeatureStore;
import org.captioner.image.ImageReadException;
import org.captioner.image.PhotoReader;
import org.captioner.objects.PhotoColours;
import org.captioner.metrics.CaptionScorer;
import org.captioner.metrics.CaptionScores;
import org.captioner.progress.Progress;

/**
 * Captions every image of a split and scores the captions against the split's references.
 * Features come from a cache when one for the captioner's encoder is given, else from the images.
 */
public final class SplitEvaluator {

    private final Captioner captioner;
    private final FeatureStore cache;

    /** Reads the photos of cached features for their colours, which the cache does not hold. */
    private final PhotoReader reader = new PhotoReader();

    /** @param cache a feature cache for the captioner's encoder, or null to encode the images */
    public SplitEvaluator(Captioner captioner, FeatureStore cache) {
        if (cache != null && !cache.identity().compatibleWith(captioner.encoder().identity())) {
            throw new IllegalArgumentException("feature cache " + cache.dir() + " was made with another encoder: "
                    + cache.identity().differences(captioner.encoder().identity()));
        }
        this.captioner = captioner;
        this.cache = cache;
    }

    public EvaluationResult evaluate(String dataset, SplitData split, CaptionOptions options, Progress progress)
            throws IOException {
        return evaluate(dataset, split, options, progress, () -> false);
    }

    /** Evaluation stopped on request before every image was captioned: there are no scores. */
    public static final class Stopped extends RuntimeException {
        public Stopped(int captioned, int total) {
            super("stopped after " + captioned + " of " + total + " images");
        }
    }

    /**
     * As {@link #evaluate(String, SplitData, CaptionOptions, Progress)}, checking {@code stop}
     * between batches: once it is true, the batch in hand finishes and {@link Stopped} is thrown
     * (scores of part of a split would be misleading).
     */
    public EvaluationResult evaluate(String dataset, SplitData split, CaptionOptions options, Progress progress,
            java.util.function.BooleanSupplier stop) throws IOException {
        long begin = System.nanoTime();
        List<CaptionedImage> images = split.images();
        Map<String, String> captions = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, float[][]> attention = new LinkedHashMap<>();
        // Set when a stop cuts the work short: said explicitly rather than inferred from how many results came back.
        boolean[] cut = new boolean[1];
        progress.start("evaluate " + split.split().label(), images.size(), 0);
        try {
            // Cached photos whose file could not be read for its colours: captioned without the colour rule.
            int unread = 0;
            List<CaptionedImage> toEncode = new ArrayList<>();
            List<CaptionedImage> cached = new ArrayList<>();
            for (CaptionedImage image : images) {
                (cache != null && cache.contains(image.id()) ? cached : toEncode).add(image);
            }
            for (int from = 0; from < cached.size(); from += options.batchSize()) {
                if (stop.getAsBoolean()) {
                    cut[0] = true;
                    break;
                }
                List<CaptionedImage> batch = cached.subList(from, Math.min(cached.size(), from + options.batchSize()));
                float[][] features = new float[batch.size()][];
                float[][] colours = captioner.holdsColours(options) ? new float[batch.size()][] : null;
                for (int i = 0; i < batch.size(); i++) {
                    features[i] = cache.get(batch.get(i).id());
                    if (colours != null) {
                        colours[i] = coloursOf(batch.get(i).image());
                        unread += colours[i] == null ? 1 : 0;
                    }
                }
                List<List<ScoredCaption>> out = captioner.captionFeatures(features, colours, options);
                for (int i = 0; i < batch.size(); i++) {
                    captions.put(batch.get(i).id(), out.get(i).get(0).text());
                    if (out.get(i).get(0).attention() != null) {
                        attention.put(batch.get(i).id(), out.get(i).get(0).attention());
                    }
                }
                progress.advance(batch.size(), unread == 0 ? "" : unread + " photos unread: colours not held");
            }
            // Two ids may name one file (a COCO annotation file can): it is captioned once, for both.
            Map<String, List<String>> idsByName = new LinkedHashMap<>();
            List<ImageInput> inputs = new ArrayList<>();
            for (CaptionedImage image : toEncode) {
                ImageInput input = ImageInput.of(image.image());
                idsByName.computeIfAbsent(input.name(), name -> {
                    inputs.add(input);
                    return new ArrayList<>();
                }).add(image.id());
            }
            java.util.Iterator<ImageInput> all = inputs.iterator();
            java.util.Iterator<ImageInput> untilStopped = new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (!all.hasNext()) {
                        return false;
                    }
                    if (stop.getAsBoolean()) {
                        cut[0] = true;
                        return false;
                    }
                    return true;
                }

                @Override
                public ImageInput next() {
                    return all.next();
                }
            };
            captioner.captionAll(untilStopped, options, (CaptionResult r) -> {
                List<String> ids = idsByName.get(r.name());
                for (String id : ids) {
                    if (r.succeeded()) {
                        captions.put(id, r.best().text());
                        if (r.best().attention() != null) {
                            attention.put(id, r.best().attention());
                        }
                    } else {
                        errors.put(id, r.error());
                    }
                }
                progress.advance(ids.size(), errors.isEmpty() ? "" : errors.size() + " failed");
            });
        } finally {
            progress.finish();
        }
        if (cut[0]) {
            throw new Stopped(captions.size() + errors.size(), images.size());
        }
        Map<String, List<String>> references = new LinkedHashMap<>();
        Map<String, String> ordered = new LinkedHashMap<>();
        for (CaptionedImage image : images) {
            references.put(image.id(), image.captions());
            if (captions.containsKey(image.id())) {
                ordered.put(image.id(), captions.get(image.id()));
            }
        }
        CaptionScores scores = new CaptionScorer().score(references, ordered);
        List<ImageEvaluation> rows = new ArrayList<>();
        for (CaptionedImage image : images) {
            rows.add(new ImageEvaluation(image.id(), image.image(), captions.get(image.id()), image.captions(),
                    scores.ciderPerImage().getOrDefault(image.id(), Double.NaN), errors.get(image.id()),
                    attention.get(image.id())));
        }
        return new EvaluationResult(dataset, split.split().label(), options.beam(), scores, rows,
                (System.nanoTime() - begin) / 1e9);
    }

    /**
     * {@link PhotoColours#of} the photo, read again (the features came from the cache), so that a
     * cached evaluation holds colour words to the photo as captioning it does; null where it cannot be read.
     */
    private float[] coloursOf(java.nio.file.Path image) {
        try {
            return PhotoColours.of(reader.read(image));
        } catch (ImageReadException e) {
            return null;
        }
    }
}
