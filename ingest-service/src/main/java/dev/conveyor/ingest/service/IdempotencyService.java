package dev.conveyor.ingest.service;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.quarkus.narayana.jta.runtime.TransactionConfiguration;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.repository.IdempotentRequestRepository;
import dev.conveyor.ingest.repository.IdempotentRequestRepository.StoredAnswer;

/**
 * Runs an ingest at most once per {@code Idempotency-Key}: the key, the rows and the answer are
 * written in one database transaction, so a retry gets the first answer back and no rows twice.
 * A failed ingest stores nothing, the key included: retrying it does the work anew. The
 * transaction spans a whole upload, so it may run long ({@code conveyor.ingest.request-transaction-timeout},
 * seconds, default 3600; Narayana's default of 60 s would roll back a large upload at commit).
 */
@ApplicationScoped
public class IdempotencyService {

    public static final String HEADER = "Idempotency-Key";
    private static final int MAX_KEY_LENGTH = 255;

    /** An answer: its status and JSON body, and whether it is a stored one given back. */
    public record Answer(int status, String json, boolean replayed) {
    }

    private final IdempotentRequestRepository requests;

    public IdempotencyService(IdempotentRequestRepository requests) {
        this.requests = requests;
    }

    /**
     * @param key the client's key, or null to just do the work
     * @param request what the key must stand for on a retry (method, source, format, mode)
     */
    @Transactional
    @TransactionConfiguration(timeout = 3600, timeoutFromConfigProperty = "conveyor.ingest.request-transaction-timeout")
    public Answer once(String key, String request, Supplier<Answer> work) {
        if (key == null) {
            return work.get();
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
            throw ProblemException.badRequest(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters");
        }
        if (!requests.claim(key, request)) {
            StoredAnswer stored = requests.find(key).orElseThrow(() -> new IllegalStateException(
                    "Idempotency key claimed by another transaction but not stored"));
            if (!stored.request().equals(request)) {
                throw new ProblemException(new Problem(null, "Idempotency key reused", 422,
                        "This key answered a different request (" + stored.request() + ")",
                        java.util.List.of(new Problem.FieldError(HEADER, "was used for " + stored.request()))));
            }
            return new Answer(stored.status(), stored.answerJson(), true);
        }
        Answer answer = work.get();
        requests.answer(key, answer.status(), answer.json());
        return answer;
    }
}
