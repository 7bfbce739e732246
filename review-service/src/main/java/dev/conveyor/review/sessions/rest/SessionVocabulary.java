package dev.conveyor.review.sessions.rest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import dev.conveyor.review.sessions.*;

/** Every enum of the sessions API with its values, as the seed names them. */
public final class SessionVocabulary {

    private static final List<Class<? extends Enum<?>>> ENUMS = List.of(SessionStatus.class, SessionPhase.class,
            ReadinessState.class, RecommendedAction.class, SourceKind.class, CollaboratorRole.class,
            BusinessSummarySource.class, ConfidenceState.class, DatasetType.class, FindingSeverity.class,
            FindingArea.class, ResolutionState.class, SemanticSourceType.class, TrustLevel.class,
            SemanticSourceStatus.class, FieldKind.class, FieldProvenance.class, ChangedBy.class, UserFeedback.class,
            CandidateMatchType.class, CandidateStatus.class, ClarificationStatus.class, QuestionState.class,
            AnswerKind.class, ArtifactType.class, ArtifactFormat.class, FilterSource.class,
            FilterConfidenceState.class, FilterRecoveryStatus.class, VariableKind.class, MappingStatus.class,
            MappingMethod.class, MappingWarningLevel.class, ApprovalState.class, PreviewStatus.class, CompiledBy.class,
            LaunchStatus.class);

    private SessionVocabulary() {
    }

    public static Map<String, List<String>> all() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Class<? extends Enum<?>> type : ENUMS) {
            out.put(type.getSimpleName(), Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
        return out;
    }
}
