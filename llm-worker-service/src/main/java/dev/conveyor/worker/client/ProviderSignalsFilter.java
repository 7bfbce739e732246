package dev.conveyor.worker.client;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import jakarta.ws.rs.ext.Provider;

import dev.conveyor.worker.service.RateLimitHeaders;
import dev.conveyor.worker.service.ProviderGates;

/**
 * Reads every provider answer's rate-limit headers on its way in (the model client does not
 * hand them to us): the limits and remaining budget tune the gate, and a Retry-After holds
 * every call until it has passed.
 */
@Provider
public class ProviderSignalsFilter implements ClientResponseFilter {

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        if (!request.getUri().getPath().endsWith("/chat/completions")) {
            return;
        }
        RateLimitHeaders headers = RateLimitHeaders.from(response.getHeaders()::getFirst);
        ProviderGates.signal(modelOf(request.getEntity()), response.getStatus(), headers);
    }

    /** The model the request named (the client's request object has a {@code model()} accessor). */
    static String modelOf(Object entity) {
        if (entity == null) {
            return "";
        }
        for (String accessor : new String[] {"model", "getModel"}) {
            try {
                Object model = entity.getClass().getMethod(accessor).invoke(entity);
                return model == null ? "" : model.toString();
            } catch (ReflectiveOperationException | RuntimeException e) {
                // try the next accessor
            }
        }
        return "";
    }
}
