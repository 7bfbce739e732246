package dev.conveyor.review.sessions.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;

import dev.conveyor.review.ai.AiTaskRequest;
import dev.conveyor.review.sessions.ClarificationPlanner;
import dev.conveyor.review.sessions.DatasetProfile;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FieldKind;
import dev.conveyor.review.sessions.FieldProvenance;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.schemas.TaskOrigins;

/**
 * The clarification-questions task: its answer schema holds the seed's rules the way the worker
 * checks answers (JSON Schema 2020-12, the same validator), so an invalid answer is re-asked.
 */
class SessionAiTasksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static DatasetReviewSession session() {
        DatasetReviewSession s = new DatasetReviewSession();
        s.sessionId = UUID.randomUUID().toString();
        s.profile = new DatasetProfile();
        s.profile.datasetName = "orders";
        for (String name : List.of("cust_region", "order_total")) {
            SemanticFieldEntry f = new SemanticFieldEntry();
            f.fieldId = UUID.randomUUID().toString();
            f.fieldName = name;
            f.fieldKind = FieldKind.COLUMN;
            f.provenance = FieldProvenance.UNRESOLVED;
            s.fields.add(f);
            ValidationFinding finding = new ValidationFinding();
            finding.findingId = UUID.randomUUID().toString();
            finding.area = FindingArea.SEMANTIC_ENRICHMENT;
            finding.severity = name.equals("order_total") ? FindingSeverity.BLOCKING : FindingSeverity.WARNING;
            finding.code = "field_meaning_missing";
            finding.title = "No meaning for " + name;
            finding.causedByRef = f.fieldId;
            finding.resolutionState = ResolutionState.OPEN;
            s.findings.add(finding);
        }
        return s;
    }

    @Test
    void theTaskSendsTheTopicsHighestPriorityFirst() {
        DatasetReviewSession s = session();
        List<ClarificationPlanner.Topic> topics = SessionAiTasks.clarificationTopics(s);
        assertThat(topics).extracting(t -> t.field().fieldName).containsExactly("order_total", "cust_region");
        AiTaskRequest task = SessionAiTasks.clarificationQuestions(s, "r1", topics);
        assertThat(task.origin()).isEqualTo(TaskOrigins.REVIEW_SESSION);
        assertThat(task.processName()).isEqualTo("clarification_questions");
        assertThat(task.template()).contains("{{topics}}").contains("{{dataset}}");
        assertThat(task.inputs().get("topics")).contains("\"suggested_priority\":100").contains("meaning_missing");
    }

    @Test
    void theAnswerSchemaRequiresExactlyOneRecommendedOptionAndAKnownField() throws Exception {
        DatasetReviewSession s = session();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SessionAiTasks.questionsSchema(SessionAiTasks.clarificationTopics(s)));
        String valid = """
                {"questions": [{"field_name": "cust_region", "question": "Which region?", "why_it_matters": "Sales by region",
                  "current_guess": null, "priority": 60, "options": [
                    {"label": "Billing", "value": "Billing region", "is_recommended": true},
                    {"label": "Shipping", "value": "Shipping region", "is_recommended": false}]}]}""";
        assertThat(schema.validate(JSON.readTree(valid))).isEmpty();
        assertThat(schema.validate(JSON.readTree(valid.replace("\"is_recommended\": false", "\"is_recommended\": true"))))
                .as("two recommended").isNotEmpty();
        assertThat(schema.validate(JSON.readTree(valid.replace("\"is_recommended\": true", "\"is_recommended\": false"))))
                .as("none recommended").isNotEmpty();
        assertThat(schema.validate(JSON.readTree(valid.replace("cust_region", "no_such_field"))))
                .as("a field that is no topic").isNotEmpty();
        assertThat(schema.validate(JSON.readTree(valid.replace("\"priority\": 60", "\"priority\": 0"))))
                .as("priority out of range").isNotEmpty();
        assertThat(schema.validate(JSON.readTree(valid.replace(", \"why_it_matters\": \"Sales by region\"", ""))))
                .as("why_it_matters missing").isNotEmpty();
    }
}
