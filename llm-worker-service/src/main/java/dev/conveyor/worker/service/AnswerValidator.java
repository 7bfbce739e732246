package dev.conveyor.worker.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;

import dev.conveyor.schemas.ProcessLabel;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;

/**
 * Checks an answer against what its process asked for: exactly one of the labels (classify),
 * JSON valid against the schema (extract), any non-blank text (generate). Returns the answer
 * in its canonical form, or why it is not acceptable.
 */
public final class AnswerValidator {

    /** The canonical answer, or the reason it was refused. */
    public record Verdict(String answer, String problem) {
        public boolean valid() {
            return problem == null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConcurrentHashMap<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private AnswerValidator() {
    }

    public static Verdict check(ProcessStep process, String answer) {
        if (answer == null || answer.isBlank()) {
            return new Verdict(null, "the model returned an empty answer");
        }
        if (process.getType() == ProcessType.CLASSIFY) {
            return label(process.getLabels(), answer);
        }
        if (process.getType() == ProcessType.EXTRACT) {
            return json(process.getJsonSchema(), answer);
        }
        return new Verdict(answer.strip(), null);
    }

    static Verdict label(List<ProcessLabel> labels, String answer) {
        String cleaned = clean(answer);
        Optional<String> match = labels.stream().map(ProcessLabel::getName)
                .filter(name -> name.equalsIgnoreCase(cleaned)).findFirst();
        if (match.isPresent()) {
            return new Verdict(match.get(), null);
        }
        return new Verdict(null, "answer \"" + answer.strip() + "\" is not one of "
                + labels.stream().map(ProcessLabel::getName).collect(Collectors.joining(", ")));
    }

    /** Trims quotes, markdown emphasis and trailing punctuation that models add around a label. */
    static String clean(String answer) {
        String s = answer.strip();
        String previous;
        do {
            previous = s;
            s = s.replaceAll("^[\\s\"'`*_]+|[\\s\"'`*_.!,;:]+$", "");
            if (s.toLowerCase(Locale.ROOT).startsWith("label:")) {
                s = s.substring("label:".length());
            }
        } while (!s.equals(previous));
        return s;
    }

    static Verdict json(String schemaText, String answer) {
        String body = stripFence(answer.strip());
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (Exception e) {
            return new Verdict(null, "answer is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (value == null || value.isMissingNode()) {
            return new Verdict(null, "answer is not JSON");
        }
        Set<ValidationMessage> errors = schema(schemaText).validate(value);
        if (!errors.isEmpty()) {
            return new Verdict(null, "answer does not satisfy the JSON Schema: " + errors.stream()
                    .map(ValidationMessage::getMessage).sorted().limit(5).collect(Collectors.joining("; ")));
        }
        return new Verdict(value.toString(), null);
    }

    /** Models often wrap JSON in a markdown code fence. */
    private static String stripFence(String s) {
        if (s.startsWith("```")) {
            int firstNewline = s.indexOf('\n');
            int lastFence = s.lastIndexOf("```");
            if (firstNewline > 0 && lastFence > firstNewline) {
                return s.substring(firstNewline + 1, lastFence).strip();
            }
        }
        return s;
    }

    private static JsonSchema schema(String schemaText) {
        return SCHEMAS.computeIfAbsent(schemaText, text -> {
            try {
                JsonNode node = JSON.readTree(text);
                SpecVersion.VersionFlag version = node.has("$schema") ? SpecVersionDetector.detect(node)
                        : SpecVersion.VersionFlag.V202012;
                return JsonSchemaFactory.getInstance(version).getSchema(node);
            } catch (Exception e) {
                throw new InvalidTaskException("the process's JSON Schema cannot be read: " + e.getMessage());
            }
        });
    }
}
