package dev.conveyor.worker.offline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.jboss.logging.Logger;

import dev.conveyor.schemas.ProcessLabel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/**
 * An in-process model for when no model endpoint is configured: the ONNX all-MiniLM-L6-v2
 * sentence-embedding model (shipped inside a Maven Central jar, run on the CPU) answers
 * classify processes zero-shot and summaries extractively. It cannot write free text or
 * extract JSON; the caller decides which processes it serves.
 *
 * <p>Thread-safe. The model (about 90 MB) is loaded on first use, once; embeddings are kept in
 * a bounded LRU cache keyed by text, so label descriptions are embedded once per worker.
 */
public final class OfflineModel {

    public static final String MODEL_NAME = "offline/all-minilm-l6-v2";
    public static final int DEFAULT_CACHE_SIZE = 4096;

    private static final Logger LOG = Logger.getLogger(OfflineModel.class);

    private final EmbeddingCache cache;
    private final Object loadLock = new Object();
    private volatile EmbeddingModel model;
    private volatile RuntimeException loadFailure;

    public OfflineModel() {
        this(DEFAULT_CACHE_SIZE);
    }

    /** @param cacheSize how many texts' embeddings to keep (about 1.6 KB each plus the text) */
    public OfflineModel(int cacheSize) {
        this.cache = new EmbeddingCache(cacheSize);
    }

    public String modelName() {
        return MODEL_NAME;
    }

    /** Loads the model now rather than on the first call (e.g. at startup); idempotent. */
    public void warmUp() {
        embed("warm up");
    }

    /**
     * Zero-shot classification: the label whose hypotheses (see {@link LabelHypotheses}) are on
     * average most similar to the text. Ties go to the label given first.
     *
     * @throws IllegalArgumentException for blank text, no labels, a blank or repeated label name
     */
    public Classification classify(String text, List<ProcessLabel> labels) {
        requireText(text);
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("classify needs at least one label");
        }
        Map<String, List<String>> hypotheses = new LinkedHashMap<>();
        for (ProcessLabel label : labels) {
            List<String> sentences = LabelHypotheses.of(label);
            if (hypotheses.put(label.getName(), sentences) != null) {
                throw new IllegalArgumentException("label '" + label.getName() + "' is given twice");
            }
        }
        float[] vector = embed(text.strip());
        Map<String, Double> scores = new LinkedHashMap<>();
        String best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, List<String>> label : hypotheses.entrySet()) {
            double sum = 0;
            for (String hypothesis : label.getValue()) {
                sum += dot(vector, embed(hypothesis));
            }
            double score = sum / label.getValue().size();
            scores.put(label.getKey(), score);
            if (score > bestScore) {
                best = label.getKey();
                bestScore = score;
            }
        }
        return new Classification(best, scores);
    }

    /** Cosine similarity of two texts' embeddings, from -1 to 1 (Path steps: protocols by relevance). */
    public double similarity(String a, String b) {
        requireText(a);
        requireText(b);
        return dot(embed(a.strip()), embed(b.strip()));
    }

    /** {@link #summarize(String, int)} with one sentence. */
    public String summarize(String text) {
        return summarize(text, 1);
    }

    /**
     * Extractive summary: the {@code maxSentences} sentences closest to the centroid of all the
     * text's sentence embeddings (the ones that say what the rest is about), in their original
     * order, joined by a space. Ties go to the earlier sentence.
     *
     * @throws IllegalArgumentException for blank text or {@code maxSentences < 1}
     */
    public String summarize(String text, int maxSentences) {
        requireText(text);
        if (maxSentences < 1) {
            throw new IllegalArgumentException("maxSentences must be at least 1, got " + maxSentences);
        }
        List<String> sentences = SentenceSplitter.split(text);
        if (sentences.size() <= maxSentences) {
            return String.join(" ", sentences);
        }
        List<float[]> vectors = new ArrayList<>(sentences.size());
        for (String sentence : sentences) {
            vectors.add(embed(sentence));
        }
        float[] centroid = new float[vectors.get(0).length];
        for (float[] vector : vectors) {
            for (int i = 0; i < centroid.length; i++) {
                centroid[i] += vector[i];
            }
        }
        // The centroid's length is the same for every sentence, so the dot product ranks as the cosine does.
        double[] centrality = vectors.stream().mapToDouble(vector -> dot(vector, centroid)).toArray();
        Set<Integer> chosen = IntStream.range(0, sentences.size()).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -centrality[i]).thenComparingInt(i -> i))
                .limit(maxSentences)
                .collect(Collectors.toCollection(HashSet::new));
        return IntStream.range(0, sentences.size()).filter(chosen::contains).mapToObj(sentences::get)
                .collect(Collectors.joining(" "));
    }

    /** Embeddings answered from the cache so far (for metrics). */
    public long cacheHits() {
        return cache.hits();
    }

    /** Embeddings not found in the cache so far, i.e. inferences run (for metrics). */
    public long cacheMisses() {
        return cache.misses();
    }

    private float[] embed(String text) {
        float[] cached = cache.get(text);
        if (cached != null) {
            return cached;
        }
        float[] vector = normalize(model().embed(text).content().vector());
        cache.put(text, vector);
        return vector;
    }

    private EmbeddingModel model() {
        EmbeddingModel loaded = model;
        if (loaded != null) {
            return loaded;
        }
        synchronized (loadLock) {
            if (model == null) {
                if (loadFailure != null) {
                    throw loadFailure;
                }
                model = load();
            }
            return model;
        }
    }

    private EmbeddingModel load() {
        long start = System.nanoTime();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The model reads its ONNX file and tokenizer through the context class loader, which a
        // thread from a foreign pool may not have (or may have pointing elsewhere).
        thread.setContextClassLoader(OfflineModel.class.getClassLoader());
        try {
            // Runs inference on the caller's thread: the worker bounds its own concurrency.
            EmbeddingModel loaded = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
            LOG.infof("Offline model %s loaded in %d ms", MODEL_NAME, (System.nanoTime() - start) / 1_000_000);
            return loaded;
        } catch (RuntimeException | LinkageError e) {
            // A failed class initialisation cannot be retried, so every later call reports this.
            loadFailure = new IllegalStateException("The offline model " + MODEL_NAME + " could not be loaded: " + e, e);
            throw loadFailure;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void requireText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank");
        }
    }

    private static float[] normalize(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return vector;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
