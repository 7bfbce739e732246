package dev.conveyor.ingest.pulled.service;

import java.util.Locale;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/**
 * A username (or access key id) and password (or secret) named by a credentials reference: read
 * from {@code conveyor.credentials.<ref>.username|password}, in Kubernetes from a Secret mapped to
 * {@code CONVEYOR_CREDENTIALS_<REF>_USERNAME|PASSWORD}. Never part of a definition, the API or a log.
 */
public record Credentials(String username, Optional<String> password) {

    /**
     * @param what how the two values are called for this kind of source, for the message when they are missing
     * @throws PullFailedException when the reference is not configured (or lacks a required password)
     */
    public static Credentials of(Config settings, String ref, boolean passwordRequired, String what) {
        String prefix = "conveyor.credentials." + ref + ".";
        Optional<String> user = settings.getOptionalValue(prefix + "username", String.class);
        Optional<String> password = settings.getOptionalValue(prefix + "password", String.class);
        if (user.isEmpty() || passwordRequired && password.isEmpty()) {
            String env = ("CONVEYOR_CREDENTIALS_" + ref + "_").toUpperCase(Locale.ROOT).replace('-', '_');
            throw new PullFailedException("credentials '" + ref + "' are not configured: set " + env + "USERNAME and "
                    + env + "PASSWORD (" + what + ", for example from a Kubernetes Secret)");
        }
        return new Credentials(user.get(), password);
    }
}
