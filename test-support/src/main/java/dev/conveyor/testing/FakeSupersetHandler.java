package dev.conveyor.testing;

import java.io.IOException;

/**
 * One part of the fake Superset's API (dashboards, SQL Lab, ...), registered in
 * {@link FakeSupersetServer}'s constructor. Called for authenticated requests only, in order of
 * registration; answers and returns true when the request is its own.
 */
@FunctionalInterface
public interface FakeSupersetHandler {

    boolean handle(FakeSupersetExchange ex) throws IOException;
}
