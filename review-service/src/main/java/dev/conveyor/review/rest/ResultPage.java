package dev.conveyor.review.rest;

import java.util.List;

/** One page of a list: the platform's paging envelope. */
public record ResultPage(List<ResultView> items, int page, int size, long total) {
}
