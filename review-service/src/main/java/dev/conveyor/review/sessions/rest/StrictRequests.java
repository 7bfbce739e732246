package dev.conveyor.review.sessions.rest;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Request bodies of the sessions API refuse properties they do not know, so that a derived field
 * ({@code readiness_state}, {@code provenance}, ...) sent by a client is a 400 naming it rather
 * than silently ignored. Other APIs of the service keep Jackson's lenient default.
 */
@Singleton
public class StrictRequests implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                    JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName) throws IOException {
                Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
                if (type.getEnclosingClass() == SessionRequests.class) {
                    UnrecognizedPropertyException e = UnrecognizedPropertyException.from(p, beanOrClass, propertyName,
                            null);
                    throw e;
                }
                return false;
            }
        });
    }
}
