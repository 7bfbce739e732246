package dev.conveyor.worker.service;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;

/**
 * What a failed call means for the task: retry it later (rate limited, provider trouble, timeout,
 * connection), or give up at once (a request the provider will never accept).
 */
public record CallFailure(Kind kind, int status) {

    public enum Kind {
        /** 429: wait (Retry-After when given) and try again. */
        RATE_LIMITED,
        /** 5xx, timeouts, connection errors, malformed responses: try again after a back-off. */
        TRANSIENT,
        /** 4xx other than 408/409/429, context too long, content policy: retrying cannot help. */
        PERMANENT
    }

    public boolean retryable() {
        return kind != Kind.PERMANENT;
    }

    public static CallFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RateLimitException) {
                return new CallFailure(Kind.RATE_LIMITED, 429);
            }
            if (t instanceof ContentFilteredException || t instanceof AuthenticationException
                    || t instanceof ModelNotFoundException) {
                return new CallFailure(Kind.PERMANENT, status(t));
            }
            if (t instanceof InternalServerException) {
                return new CallFailure(Kind.TRANSIENT, status(t));
            }
            if (t instanceof HttpException http) {
                return ofStatus(http.statusCode(), http.getMessage());
            }
            if (t instanceof InvalidRequestException) {
                return new CallFailure(Kind.PERMANENT, status(t));
            }
            if (t instanceof dev.langchain4j.exception.TimeoutException || t instanceof TimeoutException
                    || t instanceof HttpTimeoutException || t instanceof java.net.SocketTimeoutException
                    || t instanceof ConnectException || t instanceof IOException) {
                return new CallFailure(Kind.TRANSIENT, 0);
            }
            if (t instanceof jakarta.ws.rs.WebApplicationException web) {
                return ofStatus(web.getResponse().getStatus(), web.getMessage());
            }
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return new CallFailure(Kind.TRANSIENT, 0); // a garbled body: the next answer may be fine
            }
        }
        // Anything else is the client failing to read an answer (a cut connection gives an empty
        // body, and the client trips on it with a NullPointerException): not the request's fault,
        // so it is tried again within the retry policy's bounds. Only the provider saying so makes
        // a request hopeless.
        return new CallFailure(Kind.TRANSIENT, 0);
    }

    /** Whether the failure is one this class knows (a provider answer, a time-out, I/O), not a surprise. */
    public static boolean recognised(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpException || t instanceof RateLimitException || t instanceof ContentFilteredException
                    || t instanceof AuthenticationException || t instanceof ModelNotFoundException
                    || t instanceof InternalServerException || t instanceof InvalidRequestException
                    || t instanceof dev.langchain4j.exception.TimeoutException || t instanceof TimeoutException
                    || t instanceof IOException || t instanceof jakarta.ws.rs.WebApplicationException
                    || t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    static CallFailure ofStatus(int status, String message) {
        if (status == 429) {
            return new CallFailure(Kind.RATE_LIMITED, status);
        }
        if (status >= 500 || status == 408 || status == 409) {
            return new CallFailure(Kind.TRANSIENT, status);
        }
        return new CallFailure(Kind.PERMANENT, status);
    }

    private static int status(Throwable t) {
        return t instanceof HttpException http ? http.statusCode() : 0;
    }
}
