package dev.conveyor.worker.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessLabel;

/** The real ONNX model, loaded once for the class. */
class OfflineModelTest {

    private static final List<ProcessLabel> TOPICS = List.of(
            new ProcessLabel("Sports", "games, teams, athletes and matches"),
            new ProcessLabel("Politics", "governments, elections, parties and laws"),
            new ProcessLabel("Cooking", "recipes, ingredients and preparing food"));

    /** The topic sentence sits in the middle, so neither position nor tie-breaking can pick it. */
    private static final String EXERCISE = """
            Running strengthens the heart and lungs. Lifting weights builds muscle and protects the bones. \
            Regular exercise improves both physical and mental health. Yoga can lower stress and help people \
            sleep better. Even a short daily walk reduces the risk of depression.""";

    private static OfflineModel model;

    @BeforeAll
    static void loadModel() {
        model = new OfflineModel();
        model.warmUp();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // The seed's rows.
            "I love this movie.   | Positive",
            "This is boring.      | Negative",
            "Amazing performance! | Positive",
            // Sentences of our own.
            "The concert was fantastic.     | Positive",
            "I really enjoyed the trip.     | Positive",
            "The movie was a waste of time. | Negative",
            "The room was dirty and noisy.  | Negative"})
    void shouldClassifySentimentLikeTheSeedExpects(String text, String expected) {
        Classification result = model.classify(text, BuiltInProcesses.SENTIMENT_LABELS);

        assertThat(result.label()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"The file is 2 megabytes.", "The form has four fields."})
    void shouldClassifyPlainFactsAsNeutral(String text) {
        assertThat(model.classify(text, BuiltInProcesses.SENTIMENT_LABELS).label()).isEqualTo("Neutral");
    }

    @Test
    void shouldScoreEveryLabelInTheGivenOrderAndPickTheHighest() {
        Classification result = model.classify("I love this movie.", BuiltInProcesses.SENTIMENT_LABELS);

        assertThat(result.scores()).containsOnlyKeys("Positive", "Negative", "Neutral");
        assertThat(result.scores().keySet()).containsExactly("Positive", "Negative", "Neutral");
        assertThat(result.scores().values()).allSatisfy(score -> assertThat(score).isBetween(-1.0, 1.0));
        assertThat(result.scores().get(result.label()))
                .isEqualTo(result.scores().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "The striker scored twice in the final minutes to win the cup. | Sports",
            "Parliament passed the new budget after a long debate.         | Politics",
            "Whisk the eggs with sugar, then fold in the flour.            | Cooking"})
    void shouldClassifyTopicsByTheirDescriptions(String text, String expected) {
        assertThat(model.classify(text, TOPICS).label()).isEqualTo(expected);
    }

    @Test
    void shouldSummarizeAParagraphWithItsCentralSentence() {
        String summary = model.summarize(EXERCISE);

        assertThat(SentenceSplitter.split(EXERCISE)).hasSize(5).contains(summary);
        assertThat(summary).isEqualTo("Regular exercise improves both physical and mental health.");
    }

    @Test
    void shouldKeepTheChosenSentencesInTheirOriginalOrder() {
        List<String> sentences = SentenceSplitter.split(EXERCISE);

        List<String> chosen = SentenceSplitter.split(model.summarize(EXERCISE, 2));

        assertThat(chosen).hasSize(2).contains("Regular exercise improves both physical and mental health.");
        assertThat(sentences).containsSubsequence(chosen);
    }

    @Test
    void shouldSummarizeASingleSentenceToItself() {
        assertThat(model.summarize("  The cat sat on the mat.\n")).isEqualTo("The cat sat on the mat.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t"})
    void shouldRejectBlankText(String text) {
        assertThatThrownBy(() -> model.classify(text, BuiltInProcesses.SENTIMENT_LABELS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.summarize(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectNullTextAndBadArguments() {
        assertThatThrownBy(() -> model.classify(null, TOPICS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.summarize(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.classify("Some text.", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one label");
        assertThatThrownBy(() -> model.classify("Some text.", List.of(new ProcessLabel("A", null), new ProcessLabel("A", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A' is given twice");
        assertThatThrownBy(() -> model.classify("Some text.", List.of(new ProcessLabel(" ", null))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.summarize(EXERCISE, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAnswerARepeatedTextFromTheCache() {
        model.classify("A sentence seen for the first time in this test.", TOPICS);
        long misses = model.cacheMisses();
        long hits = model.cacheHits();

        Classification again = model.classify("A sentence seen for the first time in this test.", TOPICS);

        assertThat(again.scores()).containsOnlyKeys("Sports", "Politics", "Cooking");
        assertThat(model.cacheMisses()).isEqualTo(misses);
        assertThat(model.cacheHits()).isEqualTo(hits + 1 + TOPICS.size());
    }

    @Test
    void shouldGiveTheSameAnswersWhenCalledFromManyThreads() throws Exception {
        // A fresh instance with a small cache, so that the threads also race to create the model and to
        // fill and evict cache entries.
        OfflineModel shared = new OfflineModel(16);
        List<String> texts = List.of("I love this movie.", "This is boring.", "Amazing performance!",
                "The movie was a waste of time.");
        List<String> expected = List.of("Positive", "Negative", "Positive", "Negative");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String text = texts.get(i % texts.size());
                answers.add(pool.submit(() -> shared.classify(text, BuiltInProcesses.SENTIMENT_LABELS).label()));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(expected.get(i % texts.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNameItself() {
        assertThat(model.modelName()).isEqualTo("offline/all-minilm-l6-v2").isEqualTo(OfflineModel.MODEL_NAME);
    }
}
