package dev.conveyor.ingest.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.ingest.Paged;
import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.SourceSummary;
import dev.conveyor.ingest.repository.SourceCatalogueEntry;
import dev.conveyor.ingest.repository.SourceCatalogueRepository;
import dev.conveyor.ingest.repository.SourceDataRepository;

/** Reads: the catalogue of sources and the stored rows of one source. */
@ApplicationScoped
public class SourceCatalogueService {

    private final SourceDataRepository sourceData;
    private final SourceCatalogueRepository catalogue;

    public SourceCatalogueService(SourceDataRepository sourceData, SourceCatalogueRepository catalogue) {
        this.sourceData = sourceData;
        this.catalogue = catalogue;
    }

    public Paged<SourceSummary> sources(int page, int size) {
        return new Paged<>(catalogue.page(page, size).stream().map(SourceCatalogueEntry::toSummary).toList(),
                page, size, catalogue.count());
    }

    public Optional<SourceSummary> source(String source) {
        return catalogue.findByIdOptional(source).map(SourceCatalogueEntry::toSummary);
    }

    public Paged<SourceRow> rows(String source, int page, int size) {
        return new Paged<>(sourceData.page(source, page, size), page, size, sourceData.countBySource(source));
    }
}
