package org.captioner.caption;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.captioner.bundle.BundleInfo;
import org.captioner.bundle.ModelBundle;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.encoder.EncoderSource;
import org.captioner.encoder.ImageEncoder;
import org.captioner.features.Grids;
import org.captioner.image.PhotoReader;
import org.captioner.image.ReadAhead.Read;
import org.captioner.image.ReadAhead;
import org.captioner.metrics.Chair;
import org.captioner.model.AttentionDecoder;
import org.captioner.model.DecoderBlock;
import org.captioner.model.FastDecoders;
import org.captioner.objects.Grounding;
import org.captioner.objects.ObjectClassifier;
import org.captioner.objects.ObjectTag;
import org.captioner.objects.PhotoColours;
import org.captioner.rerank.CaptionMatcher;
import org.captioner.rerank.Reranking;
import org.captioner.search.BeamSearch;
import org.captioner.search.DecodingModel;
import org.captioner.search.EnsembleModel;
import org.captioner.search.BiasedModel;
import org.captioner.search.Hypothesis;
import org.captioner.search.RequiredWords;
import org.captioner.search.SamplingSearch;
import org.captioner.search.SearchSettings;
import org.captioner.search.WordBiases;
import org.captioner.text.Articles;

/**
 * Captions images with a model bundle: image → encoder → features → decoder search → text.
 * Loads the bundle and its encoder once; safe to call from many threads. Bad images give a
 * failed result for that image and never stop the others.
 */
public final class Captioner implements AutoCloseable {

    private final ModelBundle bundle;
    /**
     * The bundle's decoders rearranged for fast search; null for decoders of mixed kinds or sizes, or
     * with {@code -Dcaptioner.stackDecoders=false}.
     */
    private final FastDecoders stacked;
    private final ImageEncoder encoder;
    private final PhotoReader reader;
    /** The encoder's ImageNet classifier read out as caption words; null when the bundle has none. */
    private final ObjectClassifier objects;
    private final Grounding grounding;
    /** Says how well each of a photo's beam captions describes it ({@link Reranking}); null when the bundle has none. */
    private final CaptionMatcher matcher;
    /** The object words a reranked caption may not add to the search's best ({@link Reranking#eligible}). */
    private final Chair objectWords;
    private final ExecutorService readPool;
    private final ExecutorService searchPool;
    /** Article-and-word pairs no caption ends on ({@link Articles#danglingPairs}). */
    private final Set<Long> danglingPairs;
    private final int encoderBatch = Math.max(1, Integer.getInteger("captioner.encoderBatch", defaultEncoderBatch()));
    /**
     * Whether a batch's search runs on its own thread while the next batch is encoded. Both the
     * encoder and the search keep every core busy on their own, so on a small machine running them
     * at once only makes them fight: on 2 cores, encoder + search of 256 photos took 3.9 s side by
     * side and 3.7 s one after the other, and folder captioning went from 45 to 66 images/s
     * when serialised. {@code -Dcaptioner.overlapSearch=true|false} overrides the choice.
     */
    private final boolean overlapSearch = Boolean.parseBoolean(System.getProperty("captioner.overlapSearch",
            String.valueOf(Runtime.getRuntime().availableProcessors() > 4)));

    private Captioner(ModelBundle bundle, ImageEncoder encoder, PhotoReader reader, int readThreads,
            ObjectClassifier objects, CaptionMatcher matcher) {
        this.bundle = bundle;
        this.matcher = matcher;
        this.objectWords = matcher == null ? null : Chair.standard();
        // -Dcaptioner.stackDecoders=false searches block by block instead (for comparison in benchmarks).
        this.stacked = "false".equals(System.getProperty("captioner.stackDecoders")) ? null
                : FastDecoders.of(bundle.decoders(), bundle.manager());
        this.encoder = encoder;
        this.reader = reader;
        this.objects = objects;
        this.danglingPairs = Articles.danglingPairs(bundle.vocabulary()).stream()
                .map(pair -> SearchSettings.pair(pair[0], pair[1])).collect(Collectors.toUnmodifiableSet());
        this.grounding = objects == null ? null : Grounding.of(objects.words(), objects.conceptClasses(), bundle.vocabulary(),
                objects.nameable(), objects.alsoNamed());
        this.searchPool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "captioner-search");
            t.setDaemon(true);
            return t;
        });
        this.readPool = Executors.newFixedThreadPool(readThreads, r -> {
            Thread t = new Thread(r, "captioner-read");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens a bundle and the encoder it was trained with.
     *
     * @param encoderThreads encoder calls that may run at once (1 is best on a 2-core machine)
     */
    public static Captioner open(Path bundleDir, EncoderResolver resolver, PhotoReader reader, int encoderThreads)
            throws IOException {
        return open(bundleDir, resolver, reader, encoderThreads, false);
    }

    /**
     * Opens a bundle with an encoder that may be neither its own nor one of its variants, to
     * measure its decoders on that encoder's features before the encoder is added as a variant.
     */
    public static Captioner openForTrial(Path bundleDir, EncoderResolver resolver) throws IOException {
        return open(bundleDir, resolver, new PhotoReader(), 1, true);
    }

    /**
     * The encoders whose features the bundle's classifier files may have been made on. Any encoder
     * the bundle accepts (its own or a variant, or one on trial) feeds the classifier as the decoders
     * are fed: a variant's scores, measured when it was added, include grounding. So the files pass
     * when they were made for the encoder in use, for the bundle's own, or for the variant that was
     * the bundle's own before another took its place; files made for any other encoder are refused.
     */
    static List<EncoderIdentity> headsEncoders(BundleInfo info, EncoderIdentity inUse) {
        List<EncoderIdentity> accepted = new ArrayList<>(List.of(inUse, info.encoder()));
        info.encoderVariants().stream().filter(BundleInfo.EncoderVariant::formerOwn)
                .forEach(v -> accepted.add(v.identity()));
        return accepted;
    }

    private static Captioner open(Path bundleDir, EncoderResolver resolver, PhotoReader reader, int encoderThreads,
            boolean trial) throws IOException {
        BundleInfo info = ModelBundle.readInfo(bundleDir);
        EncoderSource source = resolver.resolve(bundleDir, info);
        ModelBundle bundle = ModelBundle.load(bundleDir);
        ImageEncoder encoder = null;
        ObjectClassifier objects = null;
        CaptionMatcher matcher = null;
        try {
            encoder = ImageEncoder.load(source, info.encoder().preprocessing(), encoderThreads);
            if (!trial) {
                bundle.checkEncoder(encoder.identity());
            } else if (encoder.featureSize() != info.encoder().featureSize()) {
                throw new IllegalArgumentException("encoder " + encoder.identity().name() + " gives "
                        + encoder.featureSize() + "-d features; the bundle's decoders take "
                        + info.encoder().featureSize());
            }
            objects = ObjectClassifier.open(bundleDir, headsEncoders(info, encoder.identity()), bundle.vocabulary(),
                    bundle.info().decoder().attends());
            Path matching = bundleDir.resolve(CaptionMatcher.FILE);
            matcher = java.nio.file.Files.isRegularFile(matching) ? CaptionMatcher.load(matching) : null;
            if (matcher != null) {
                matcher.checkFits(bundle.vocabulary().size(), info.encoder().featureSize(), matching.toString());
            }
            return new Captioner(bundle, encoder, reader, 2, objects, matcher);
        } catch (RuntimeException | IOException e) {
            if (matcher != null) {
                matcher.close();
            }
            if (objects != null) {
                objects.close();
            }
            if (encoder != null) {
                encoder.close();
            }
            bundle.close();
            throw e;
        }
    }

    public static Captioner open(Path bundleDir, EncoderResolver resolver) throws IOException {
        return open(bundleDir, resolver, new PhotoReader(), 1);
    }

    public BundleInfo info() {
        return bundle.info();
    }

    public Path bundleDir() {
        return bundle.dir();
    }

    public ImageEncoder encoder() {
        return encoder;
    }

    /** The bundle's preferred search settings. */
    public CaptionOptions defaultOptions() {
        return CaptionOptions.from(bundle.info().search());
    }

    /** Captions a list of images; one result per input, in order. */
    public List<CaptionResult> caption(List<ImageInput> inputs, CaptionOptions options) {
        List<CaptionResult> out = new ArrayList<>(inputs.size());
        captionAll(inputs.iterator(), options, out::add);
        return out;
    }

    /**
     * Captions a stream of images with bounded memory: a few batches are read ahead on worker
     * threads while the model works on the current one. Results arrive in input order.
     */
    public void captionAll(Iterator<ImageInput> inputs, CaptionOptions options, Consumer<CaptionResult> sink) {
        // Two batches read ahead keep the encoder fed without holding many large photos in memory.
        ReadAhead<ImageInput> read = new ReadAhead<>(inputs, options.batchSize(), 2,
                input -> input.path() != null ? reader.read(input.path()) : reader.read(input.bytes()),
                readPool);
        // Batch i's search runs on searchPool while this thread encodes batch i+1.
        Deque<CompletableFuture<List<CaptionResult>>> searching = new ArrayDeque<>();
        while (read.hasNext()) {
            List<Read<ImageInput>> batch = read.next();
            List<BufferedImage> images = new ArrayList<>();
            for (Read<ImageInput> d : batch) {
                if (d.error() == null) {
                    images.add(d.image());
                }
            }
            float[][] features = images.isEmpty() ? new float[0][] : encode(images);
            float[][] colours = holdsColours(options) ? colours(images) : null;
            searching.add(overlapSearch
                    ? CompletableFuture.supplyAsync(() -> assemble(batch, features, colours, options), searchPool)
                    : CompletableFuture.completedFuture(assemble(batch, features, colours, options)));
            while (searching.size() > 1) {
                searching.poll().join().forEach(sink);
            }
        }
        while (!searching.isEmpty()) {
            searching.poll().join().forEach(sink);
        }
    }

    private List<CaptionResult> assemble(List<Read<ImageInput>> batch, float[][] features, float[][] colours,
            CaptionOptions options) {
        float[][] probabilities = objects == null || features.length == 0 ? null : evidence(features);
        List<List<ScoredCaption>> captions = features.length == 0 ? List.of()
                : search(features, probabilities, colours, options);
        List<CaptionResult> out = new ArrayList<>(batch.size());
        int next = 0;
        for (Read<ImageInput> d : batch) {
            if (d.error() != null) {
                out.add(CaptionResult.failed(d.item().name(), d.error().getMessage(), d.error().kind()));
            } else {
                List<ObjectTag> tags = probabilities == null ? List.of()
                        : objects.tags(probabilities[next], TAGS, MIN_TAG_PROBABILITY);
                out.add(CaptionResult.ok(d.item().name(), captions.get(next++), tags));
            }
        }
        return out;
    }

    /** Tags per result: enough to see what the classifier makes of a photo, not a list of guesses. */
    private static final int TAGS = 5;
    private static final double MIN_TAG_PROBABILITY = 0.05;


    /** The grounding settings a search with these options uses (OFF without an object classifier). */
    public Grounding.Settings grounding(CaptionOptions options) {
        if (objects == null) {
            return Grounding.Settings.OFF;
        }
        return options.grounding() != null ? options.grounding() : objects.groundingDefaults();
    }

    /**
     * The encoder's fastest call size, which the C library's allocator decides: a batch of 8 needs
     * blocks of tens of MB, which glibc's defaults map afresh (and fault in page by page) on every
     * call. With the launcher's GLIBC_TUNABLES, which keep them for reuse, the 2-core bench machine
     * runs the float trunk at 105 images/s in eights and 65 one at a time; without them, 13 and 60
     * (./captioner bench, 2026-11-25, README "Performance"). So 8 when the tunables name an mmap
     * threshold (a user's own allocator settings may not help batches; -Dcaptioner.encoderBatch
     * overrides), else 1.
     */
    static int defaultEncoderBatch() {
        String tunables = System.getenv("GLIBC_TUNABLES");
        return tunables != null && tunables.contains("glibc.malloc.mmap_threshold") ? 8 : 1;
    }

    /**
     * What {@link #captionFeatures} takes for these images, encoded in the encoder's fastest call
     * size ({@code -Dcaptioner.encoderBatch=N} sets it): pooled vectors, or whole grids for a bundle
     * whose decoders attend to regions.
     */
    public float[][] encode(List<BufferedImage> images) {
        boolean grids = takesGrids();
        float[][] out = new float[images.size()][];
        for (int i = 0; i < images.size(); i += encoderBatch) {
            List<BufferedImage> part = images.subList(i, Math.min(images.size(), i + encoderBatch));
            float[][] features = grids ? encoder.encodeGrid(part) : encoder.encode(part);
            System.arraycopy(features, 0, out, i, features.length);
        }
        return out;
    }

    /**
     * Whether grounding lets a seen object take the place of an interchangeable unseen one the
     * decoder wants (a cat for a dog; {@link Grounding#fillers}): yes, unless
     * -Dcaptioner.fillPlaces=false, to measure without it.
     */
    public static boolean fillsPlaces() {
        return !"false".equals(System.getProperty("captioner.fillPlaces"));
    }

    /**
     * Whether grounding names an animal the vocabulary cannot ({@link Grounding#nameSeenAnimals}): yes,
     * unless -Dcaptioner.nameAnimals=false, to measure without it.
     */
    public static boolean namesAnimals() {
        return !"false".equals(System.getProperty("captioner.nameAnimals"));
    }

    /**
     * Whether grounding holds colour words to the photo's pixels ({@link PhotoColours}): yes, unless
     * -Dcaptioner.colours=false, to measure without it.
     */
    public static boolean holdsColours() {
        return !"false".equals(System.getProperty("captioner.colours"));
    }

    /**
     * Whether a search with these options holds colour words to the photos' pixels: where it is
     * grounded (a bundle with an object classifier, grounding not off; sampling included) and
     * {@link #holdsColours()}. Colour biases join grounding's, so a bundle without an object classifier
     * has neither. Callers read the photos' colours only then.
     */
    public boolean holdsColours(CaptionOptions options) {
        return holdsColours() && objects != null && !grounding(options).off();
    }

    /**
     * Whether beam search may end a caption on an article and a word no caption ends on after one
     * ("on a blue"): no, unless -Dcaptioner.endDangling=true, to measure with it. Greedy search and
     * sampling ({@code --temperature}) keep no such rule, as they block no trigrams either.
     */
    public static boolean endsDangling() {
        return "true".equals(System.getProperty("captioner.endDangling"));
    }

    /**
     * Whether a bundle with a caption matcher reranks the beam's captions ({@link Reranking}): yes,
     * unless -Dcaptioner.rerank=false, to measure without it.
     */
    public static boolean reranks() {
        return !"false".equals(System.getProperty("captioner.rerank"));
    }

    /**
     * The weight with which these options rerank the beam's captions: theirs, else the bundle's, where
     * the bundle has a matcher and the search is a beam search; 0 (not reranked) otherwise. Sampling
     * draws its captions.
     */
    public double rerankWeight(CaptionOptions options) {
        // One caption per photo at beam 1: nothing to reorder.
        if (matcher == null || !reranks() || options.temperature() > 0 || options.beam() == 1) {
            return 0;
        }
        return options.rerank() != null ? options.rerank() : bundle.info().search().rerank();
    }

    /** Whether the bundle has a caption matcher to rerank with. */
    public boolean canRerank() {
        return matcher != null;
    }

    /** Whether searches block repeated trigrams: yes, unless -Dcaptioner.blockTrigrams=false. */
    public static boolean blocksTrigrams() {
        return !"false".equals(System.getProperty("captioner.blockTrigrams"));
    }

    /** Captions images already read. */
    public List<List<ScoredCaption>> captionImages(List<BufferedImage> images, CaptionOptions options) {
        return captionFeatures(encode(images), holdsColours(options) ? colours(images) : null, options);
    }

    /** {@link PhotoColours#of} each photo. */
    private static float[][] colours(List<BufferedImage> images) {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = PhotoColours.of(images.get(i));
        }
        return out;
    }

    /**
     * Captions precomputed features (e.g. from a FeatureStore): pooled vectors, or grids for a bundle
     * whose decoders attend to regions.
     */
    public List<List<ScoredCaption>> captionFeatures(float[][] features, CaptionOptions options) {
        return captionFeatures(features, null, options);
    }

    /**
     * As {@link #captionFeatures(float[][], CaptionOptions)}, with the photos' colours ({@link PhotoColours#of}
     * of each, a row null where unknown; null for none), to which grounding holds colour words.
     */
    public List<List<ScoredCaption>> captionFeatures(float[][] features, float[][] colours, CaptionOptions options) {
        return search(features, objects == null ? null : evidence(features), colours, options);
    }

    /** What the object classifier sees in each photo, from its pooled vector or grid. */
    private float[][] evidence(float[][] features) {
        return objects.evidence(features, bundle.info().encoder().featureSize());
    }

    /** Whether this bundle's decoders take grids of regions (features caches must then be grid caches). */
    public boolean takesGrids() {
        return bundle.info().decoder().attends();
    }

    /**
     * @param probabilities the ImageNet class posterior of each photo, or null without a classifier
     * @param colours {@link PhotoColours#of} each photo (a row null where unknown), or null where none are known
     */
    private List<List<ScoredCaption>> search(float[][] features, float[][] probabilities, float[][] colours,
            CaptionOptions options) {
        // Trigram blocking is on for every caption (dev CIDEr 0.4810 -> 0.4816, COCO sample 0.2579 -> 0.2624);
        // -Dcaptioner.blockTrigrams=false turns it off to measure without it.
        SearchSettings settings = SearchSettings.of(options.maxLength(), options.lengthPenalty())
                .withBlockedTrigrams(blocksTrigrams())
                .withNoEndAfter(endsDangling() ? Set.of() : danglingPairs);
        List<List<Hypothesis>> found;
        // Per search row: the word that fills each grounded word's place, or -1 (null: none).
        int[][] filled = null;
        // Per image: the object classes its caption must name (null: none), and the biases searched with.
        List<RequiredWords> required = null;
        WordBiases biases = null;
        // The grounding searched with, or null where there was none.
        Grounding.Settings grounded = null;
        // Reranking looks at every caption the beam ended with; the caller gets its n-best of them.
        double rerank = rerankWeight(options);
        int pool = rerank > 0 ? options.beam() : options.nBest();
        try (NDManager manager = bundle.manager().newSubManager()) {
            DecodingModel<?> model;
            if (stacked != null) {
                model = stacked.searchModel(manager);
            } else {
                List<DecodingModel<?>> members = new ArrayList<>();
                for (var d : bundle.decoders()) {
                    members.add(d.searchModel(manager));
                }
                model = members.size() == 1 ? members.get(0) : new EnsembleModel(members);
            }
            DecodingModel<?> languageModel = model;
            Grounding.Settings g = grounding(options);
            if (probabilities != null && !g.off()) {
                grounded = g;
                // Sampling searches each image's features n-best times over (rows i*n .. i*n+n-1).
                float[][] rows = options.temperature() > 0 ? repeatRows(probabilities, options.nBest()) : probabilities;
                filled = fillsPlaces() ? grounding.fillers(rows, g) : new int[rows.length][0];
                biases = grounding.biases(rows, g, filled);
                if (colours != null && holdsColours()) {
                    float[][] shares = options.temperature() > 0 ? repeatRows(colours, options.nBest()) : colours;
                    biases = biases.with(PhotoColours.biases(bundle.vocabulary(), shares));
                }
                model = new BiasedModel<>(model, biases);
                // Sampling draws its captions and cannot require words.
                required = options.temperature() > 0 ? null : grounding.required(rows, g, filled);
            }
            if (options.temperature() > 0) {
                found = new SamplingSearch(settings, options.temperature(), options.seed())
                        .search(model, features, options.nBest());
            } else {
                BeamSearch beam = new BeamSearch(options.beam(), pool, settings);
                found = beam.search(model, features);
                if (required != null) {
                    found = requireWords(beam, languageModel, features, biases, required, found);
                }
            }
        }
        boolean maps = options.attention() && takesGrids();
        List<List<Candidate>> candidates = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            List<Candidate> texts = new ArrayList<>(found.get(i).size());
            int[] fill = filled == null ? null : filled[options.temperature() > 0 ? i * options.nBest() : i];
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Hypothesis h : found.get(i)) {
                int[] agreed = fill == null ? Articles.agree(h.words(), bundle.vocabulary())
                        : grounding.fill(h.words(), fill, bundle.vocabulary());
                // Only a caption that ended: one cut at the length limit may be mid-phrase ("a tennis ...").
                int[] words = h.ended() ? Articles.dropBeforeBareEnding(agreed, bundle.vocabulary()) : agreed;
                String text = bundle.vocabulary().text(words);
                if (grounded != null && namesAnimals()) {
                    // A word of the text for a word of the search: the attention maps stay aligned.
                    text = String.join(" ", grounding.nameSeenAnimals(text.split(" "), probabilities[i], grounded));
                }
                // Two captions that differed only in a filled word are one caption now.
                if (!seen.add(text) && options.temperature() == 0) {
                    continue;
                }
                texts.add(new Candidate(new ScoredCaption(text, h.logProb(), h.score()), h.words(),
                        words.length < agreed.length ? agreed.length - 2 : -1, h.ended()));
            }
            candidates.add(texts);
        }
        if (rerank > 0) {
            rerank(candidates, features, required, rerank);
        }
        List<List<ScoredCaption>> out = new ArrayList<>(found.size());
        for (int i = 0; i < candidates.size(); i++) {
            List<Candidate> texts = candidates.get(i);
            List<ScoredCaption> kept = new ArrayList<>();
            for (Candidate c : texts.subList(0, Math.min(texts.size(), options.nBest()))) {
                // Maps for the best caption only: it is the one shown, and each costs a pass per member.
                // They follow the words the search chose (a filled word is a label on the same step).
                kept.add(maps && kept.isEmpty()
                        ? c.caption().withAttention(withoutRow(attention(features[i], c.searched()), c.droppedWord()))
                        : c.caption());
            }
            out.add(kept);
        }
        return out;
    }

    /**
     * A caption as the search found it: the text shown, the words searched (what its attention maps
     * follow), the place of a word dropped from the text since ({@code -1}: none), and whether it ended
     * (false: cut at the length limit, possibly mid-phrase).
     */
    private record Candidate(ScoredCaption caption, int[] searched, int droppedWord, boolean ended) {}

    /** Puts each photo's captions in {@link Reranking}'s order, all photos' captions matched in one call. */
    private void rerank(List<List<Candidate>> candidates, float[][] features, List<RequiredWords> required,
            double weight) {
        float[][] pooled = Grids.pooled(features, bundle.info().encoder().featureSize());
        List<float[]> photos = new ArrayList<>();
        List<int[]> captions = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            for (Candidate c : candidates.get(i)) {
                photos.add(pooled[i]);
                captions.add(java.util.Arrays.stream(c.caption().text().split(" "))
                        .mapToInt(bundle.vocabulary()::id).toArray());
            }
        }
        float[] similarity = matcher.similarity(photos.toArray(new float[0][]), captions.toArray(new int[0][]));
        int at = 0;
        for (int i = 0; i < candidates.size(); i++) {
            List<Candidate> texts = candidates.get(i);
            int n = texts.size();
            double[] scores = new double[n];
            int[] met = new int[n];
            int[] repeats = new int[n];
            boolean[] ended = new boolean[n];
            List<Set<String>> named = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                scores[k] = texts.get(k).caption().score();
                repeats[k] = Reranking.repeats(texts.get(k).caption().text());
                ended[k] = texts.get(k).ended();
                met[k] = required == null ? 0 : required.get(i).met(texts.get(k).searched());
                named.add(objectWords.classesIn(texts.get(k).caption().text()));
            }
            int[] order = Reranking.order(scores, java.util.Arrays.copyOfRange(similarity, at, at + n),
                    Reranking.eligible(named, met, repeats, ended), weight);
            List<Candidate> reordered = new ArrayList<>(n);
            for (int k : order) {
                Candidate c = texts.get(k);
                reordered.add(new Candidate(c.caption().withMatch(similarity[at + k]), c.searched(), c.droppedWord(),
                        c.ended()));
            }
            at += n;
            candidates.set(i, reordered);
        }
    }


    /**
     * {@code found} with the images whose best caption lacks a required word searched again, keeping a
     * beam for each subset of required words met ({@link BeamSearch#search(DecodingModel, float[][], List)}).
     * The plain search goes first because most captions name what the photo clearly shows anyway (a
     * dog photo's); a search with required words keeps twice the beams or more, and captioning the dev
     * split took half as long again when every image had it.
     */
    private List<List<Hypothesis>> requireWords(BeamSearch beam, DecodingModel<?> languageModel, float[][] features,
            WordBiases biases, List<RequiredWords> required, List<List<Hypothesis>> found) {
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            if (required.get(i).count() > 0 && (found.get(i).isEmpty() || !required.get(i).metBy(found.get(i).get(0).words()))) {
                again.add(i);
            }
        }
        if (again.isEmpty()) {
            return found;
        }
        int[] images = again.stream().mapToInt(Integer::intValue).toArray();
        float[][] f = new float[images.length][];
        List<RequiredWords> r = new ArrayList<>();
        for (int k = 0; k < images.length; k++) {
            f[k] = features[images[k]];
            r.add(required.get(images[k]));
        }
        List<List<Hypothesis>> redone = beam.search(new BiasedModel<>(languageModel, biases.select(images)), f, r);
        List<List<Hypothesis>> out = new ArrayList<>(found);
        for (int k = 0; k < again.size(); k++) {
            // Kept only where it meets more of them (a required word may be out of the decoder's reach).
            int before = found.get(again.get(k)).isEmpty() ? -1 : r.get(k).met(found.get(again.get(k)).get(0).words());
            if (!redone.get(k).isEmpty() && r.get(k).met(redone.get(k).get(0).words()) > before) {
                out.set(again.get(k), redone.get(k));
            }
        }
        return out;
    }

    /**
     * Where the bundle's decoders looked for each word of a caption: one member's α, or the mean of
     * the members' (each weighs the same regions; the ensemble's words come from all of them).
     */
    private float[][] attention(float[] grid, int[] words) {
        float[][] sum = null;
        List<DecoderBlock> members = bundle.decoders();
        for (DecoderBlock d : members) {
            float[][] alphas = ((AttentionDecoder) d).attention(bundle.manager(), grid, words);
            if (sum == null) {
                sum = alphas;
            } else {
                for (int k = 0; k < sum.length; k++) {
                    for (int r = 0; r < sum[k].length; r++) {
                        sum[k][r] += alphas[k][r];
                    }
                }
            }
        }
        if (members.size() > 1) {
            for (float[] row : sum) {
                for (int r = 0; r < row.length; r++) {
                    row[r] /= members.size();
                }
            }
        }
        return sum;
    }

    /** {@code rows} without row {@code k} (the same array where {@code k} is -1): a dropped word's map. */
    private static float[][] withoutRow(float[][] rows, int k) {
        if (k < 0) {
            return rows;
        }
        float[][] out = new float[rows.length - 1][];
        for (int r = 0, o = 0; r < rows.length; r++) {
            if (r != k) {
                out[o++] = rows[r];
            }
        }
        return out;
    }

    private static float[][] repeatRows(float[][] rows, int times) {
        float[][] out = new float[rows.length * times][];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows[i / times];
        }
        return out;
    }

    @Override
    public void close() {
        readPool.shutdownNow();
        searchPool.shutdownNow();
        encoder.close();
        if (objects != null) {
            objects.close();
        }
        if (matcher != null) {
            matcher.close();
        }
        if (stacked != null) {
            stacked.close();
        }
        bundle.close();
    }
}
