package dev.conveyor.worker.service;

import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.langchain4j.exception.HttpException;

/**
 * Turns a failed model call into the reason a FAILED result carries. Reasons end up on a topic
 * and in logs, so the API key, and anything that looks like a key or a bearer token, is masked.
 */
@ApplicationScoped
public class FailureReasons {

    static final int MAX_LENGTH = 1000;

    private static final Pattern KEY_LIKE = Pattern.compile("sk-[A-Za-z0-9_\\-*]{6,}");
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+\\S+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<String> apiKey;

    public FailureReasons(@ConfigProperty(name = "quarkus.langchain4j.openai.api-key") Optional<String> apiKey) {
        this.apiKey = apiKey.filter(k -> k.length() >= 4);
    }

    /** "HTTP 400: message" when the provider answered an error, else the exception and its message. */
    public String of(Throwable failure) {
        HttpException http = find(failure, HttpException.class);
        String reason;
        if (http != null) {
            reason = "model call failed with HTTP " + http.statusCode() + ": " + providerMessage(http.getMessage());
        } else {
            Throwable root = root(failure);
            reason = "model call failed: " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage());
        }
        return redact(reason);
    }

    /** Masks the configured key, key-like tokens and bearer credentials; caps the length. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String clean = text;
        if (apiKey.isPresent()) {
            clean = clean.replace(apiKey.get(), "***");
        }
        clean = KEY_LIKE.matcher(clean).replaceAll("sk-***");
        clean = BEARER.matcher(clean).replaceAll("Bearer ***");
        return clean.length() <= MAX_LENGTH ? clean : clean.substring(0, MAX_LENGTH) + "...";
    }

    /** The provider's {@code error.message} when the body is OpenAI's error JSON, else the body. */
    private static String providerMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode message = JSON.readTree(body).path("error").path("message");
            if (message.isTextual() && !message.asText().isBlank()) {
                return message.asText();
            }
        } catch (Exception e) {
            // not JSON: the body as it is says more than nothing
        }
        return body.strip();
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable root(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
