package dev.conveyor.ingest;

import java.util.List;

/** One page of a list, with the total across all pages. */
public record Paged<T>(List<T> items, int page, int size, long total) {
}
