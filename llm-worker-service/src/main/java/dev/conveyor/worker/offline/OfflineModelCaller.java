package dev.conveyor.worker.offline;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.worker.service.ModelCaller;
import dev.conveyor.worker.service.ModelReply;
import dev.conveyor.worker.service.ModelRequest;

/**
 * Answers without a model endpoint, with the in-process embedding model: zero-shot
 * classification against the labels and their descriptions, extractive summaries (the most
 * central sentence), and, by the task's origin, the research Path steps it can take
 * ({@link OfflinePathSteps}) and a review session's candidate ranking
 * ({@link OfflineCandidateRanking}). Anything else (free-form generation, extraction) fails,
 * saying that a model endpoint is needed.
 */
public final class OfflineModelCaller implements ModelCaller {

    static final String NEEDS_ENDPOINT = "needs a model endpoint: the offline model only classifies, writes "
            + "extractive summaries and ranks by similarity. Set CONVEYOR_LLM_BASE_URL (and CONVEYOR_LLM_MODEL) or OPENAI_API_KEY";

    private final OfflineModel model;
    private final OfflinePathSteps pathSteps;
    private final OfflineCandidateRanking candidateRanking;

    public OfflineModelCaller(OfflineModel model) {
        this.model = model;
        this.pathSteps = new OfflinePathSteps(model);
        this.candidateRanking = new OfflineCandidateRanking(model);
    }

    @Override
    public ModelReply call(ModelRequest request) {
        ProcessStep process = request.process();
        // tasks of a review-service aggregate are recognized by their origin, never by their shape
        if (OfflinePathSteps.serves(request)) {
            return reply(pathSteps.answer(request));
        }
        if (OfflineCandidateRanking.serves(request)) {
            return reply(candidateRanking.answer(request));
        }
        String text = text(process, request.inputs());
        if (process.getType() == ProcessType.CLASSIFY) {
            return reply(model.classify(text, process.getLabels()).label());
        }
        if (process.getType() == ProcessType.GENERATE && isSummary(process)) {
            return reply(model.summarize(text, 1));
        }
        throw new UnsupportedOperationException("process '" + process.getName() + "' ("
                + process.getType().name().toLowerCase(Locale.ROOT) + ") " + NEEDS_ENDPOINT);
    }

    @Override
    public boolean isRemote() {
        return false;
    }

    private ModelReply reply(String answer) {
        return new ModelReply(answer, model.modelName(), 0, 0);
    }

    static boolean isSummary(ProcessStep process) {
        String name = process.getName().toLowerCase(Locale.ROOT);
        String template = Objects.toString(process.getTemplate(), "").toLowerCase(Locale.ROOT);
        return name.startsWith("summar") || template.contains("summar");
    }

    private static String text(ProcessStep process, Map<String, String> inputs) {
        List<String> columns = process.getColumns().isEmpty() ? inputs.keySet().stream().sorted().toList()
                : process.getColumns();
        return columns.stream().map(inputs::get).filter(Objects::nonNull).collect(Collectors.joining("\n"));
    }
}
