package dev.conveyor.review.sessions.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.FilterConfidenceState;
import dev.conveyor.review.sessions.FilterRecoveryStatus;
import dev.conveyor.review.sessions.FilterSource;
import dev.conveyor.review.sessions.ImportedFilter;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.testing.FakeSupersetDashboards;

class FilterRecoveryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");

    static final List<JsonNode> CONFIG = List.of(
            FakeSupersetDashboards.nativeFilter("NF-region", "Region", "filter_select", 5, "region", true, null),
            FakeSupersetDashboards.nativeFilter("NF-country", "Country", "filter_select", 5, "country", false, null),
            FakeSupersetDashboards.nativeFilter("NF-time", "Period", "filter_time", 5, null, false, null),
            FakeSupersetDashboards.nativeFilter("NF-amount", "Amount", "filter_range", 5, "amount", false, null),
            FakeSupersetDashboards.nativeFilter("NF-channel", "Channel", "filter_select", 5, "channel", true,
                    json("[\"web\"]")),
            FakeSupersetDashboards.nativeFilter("NF-other", "Other", "filter_select", 9, "store", true, null));

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode mask() {
        return FakeSupersetDashboards.dataMask(List.of(
                FakeSupersetDashboards.maskEntry("NF-region", "filter_select", "region", json("[\"EMEA\",\"APAC\"]")),
                FakeSupersetDashboards.maskEntry("NF-country", "filter_select", "country", json("[\"FR\"]")),
                FakeSupersetDashboards.maskEntry("NF-time", "filter_time", null, json("\"Last quarter\"")),
                FakeSupersetDashboards.maskEntry("NF-amount", "filter_range", "amount", json("[10, null]"))));
    }

    static FilterRecovery.Result recover(List<FilterRecovery.NativeState> states, List<List<String>> params,
            JsonNode formData, List<String> unreadable, List<ImportedFilter> existing) {
        return FilterRecovery.recover("s1", new FilterRecovery.Inputs(CONFIG, 5, states, params, formData,
                "the explore form data", unreadable), existing, NOW);
    }

    static ImportedFilter named(FilterRecovery.Result r, String name) {
        return r.filters().stream().filter(f -> f.filterName.equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyConfiguredFilterOfTheDatasetGetsOneFilterWithItsValue() {
        FilterRecovery.Result r = recover(List.of(new FilterRecovery.NativeState("the permalink",
                FilterSource.SUPERSET_NATIVE, mask())), List.of(List.of("tenant", "acme")), null, List.of(), List.of());
        assertThat(r.filters()).extracting(f -> f.filterName)
                .containsExactly("region", "country", "time_range", "amount", "channel", "tenant");
        ImportedFilter region = named(r, "region");
        assertThat(region.normalizedValue).isEqualTo(json("[\"EMEA\",\"APAC\"]"));
        assertThat(region.displayName).isEqualTo("Region");
        assertThat(region.source).isEqualTo(FilterSource.SUPERSET_NATIVE);
        assertThat(region.recoveryStatus).isEqualTo(FilterRecoveryStatus.RECOVERED);
        assertThat(region.confidenceState).isEqualTo(FilterConfidenceState.IMPORTED);
        assertThat(region.requiresConfirmation).isFalse();
        // single-select: the one value; multi-select keeps its list
        assertThat(named(r, "country").rawValue).isEqualTo(json("[\"FR\"]"));
        assertThat(named(r, "country").normalizedValue).isEqualTo(json("\"FR\""));
        assertThat(named(r, "time_range").normalizedValue.asText()).isEqualTo("Last quarter");
        assertThat(named(r, "amount").normalizedValue).isEqualTo(json("[10, null]"));
        // not in the state: the dashboard's default
        assertThat(named(r, "channel").normalizedValue).isEqualTo(json("[\"web\"]"));
        assertThat(named(r, "channel").notes).contains("default");
        assertThat(named(r, "tenant").source).isEqualTo(FilterSource.SUPERSET_URL);
        assertThat(r.findings()).extracting(f -> f.code).containsExactly(FilterRecovery.FILTER_OTHER_DATASET);
    }

    @Test
    void aFilterWithoutValueOrDefaultIsMissingWithAFinding() {
        FilterRecovery.Result r = recover(List.of(), List.of(), null, List.of(), List.of());
        ImportedFilter region = named(r, "region");
        assertThat(region.recoveryStatus).isEqualTo(FilterRecoveryStatus.MISSING);
        assertThat(region.rawValue.isNull()).isTrue();
        assertThat(region.confidenceState).isEqualTo(FilterConfidenceState.UNRESOLVED);
        assertThat(region.requiresConfirmation).isTrue();
        assertThat(r.findings()).filteredOn(f -> f.code.equals(FilterRecovery.FILTER_VALUE_MISSING))
                .extracting(f -> f.causedByRef).contains(region.filterId);
        assertThat(named(r, "channel").recoveryStatus).isEqualTo(FilterRecoveryStatus.RECOVERED);
    }

    @Test
    void lostStateMakesDefaultsPartialAndSaysWhy() {
        FilterRecovery.Result r = recover(List.of(), List.of(), null,
                List.of("the filter state k1 could not be read: Superset answered 404"), List.of());
        assertThat(named(r, "channel").recoveryStatus).isEqualTo(FilterRecoveryStatus.PARTIAL);
        assertThat(named(r, "channel").requiresConfirmation).isTrue();
        assertThat(named(r, "channel").source).as("the default stands in for the lost value")
                .isEqualTo(dev.conveyor.review.sessions.FilterSource.INFERRED);
        assertThat(named(r, "region").recoveryStatus).isEqualTo(FilterRecoveryStatus.MISSING);
        assertThat(r.findings()).extracting(f -> f.code).contains(FilterRecovery.FILTER_STATE_UNAVAILABLE,
                FilterRecovery.FILTER_VALUE_PARTIAL, FilterRecovery.FILTER_VALUE_MISSING);
        assertThat(r.findings()).filteredOn(f -> f.code.equals(FilterRecovery.FILTER_STATE_UNAVAILABLE))
                .extracting(f -> f.message).allMatch(m -> m.contains("404"));
    }

    @Test
    void sourcesThatDisagreeAreConflicted() {
        JsonNode fd = json("{\"datasource\":\"5__table\",\"adhoc_filters\":[{\"expressionType\":\"SIMPLE\","
                + "\"subject\":\"region\",\"operator\":\"IN\",\"comparator\":[\"EMEA\"],\"clause\":\"WHERE\"}],"
                + "\"extra_form_data\":{\"filters\":[{\"col\":\"region\",\"op\":\"IN\",\"val\":[\"APAC\"]}]}}");
        FilterRecovery.Result r = recover(List.of(), List.of(), fd, List.of(), List.of());
        ImportedFilter region = named(r, "region");
        assertThat(region.recoveryStatus).isEqualTo(FilterRecoveryStatus.CONFLICTED);
        assertThat(region.requiresConfirmation).isTrue();
        assertThat(region.notes).contains("EMEA").contains("APAC");
        assertThat(r.findings()).extracting(f -> f.code).contains(FilterRecovery.FILTER_VALUE_CONFLICT);
    }

    @Test
    void exploreFiltersComeFromTheUrlAndOddOperatorsArePartial() {
        JsonNode fd = json("{\"datasource\":\"5__table\",\"time_range\":\"Last week\",\"adhoc_filters\":["
                + "{\"expressionType\":\"SIMPLE\",\"subject\":\"country\",\"operator\":\"==\",\"comparator\":\"FR\",\"clause\":\"WHERE\"},"
                + "{\"expressionType\":\"SIMPLE\",\"subject\":\"amount\",\"operator\":\">\",\"comparator\":100,\"clause\":\"WHERE\"},"
                + "{\"expressionType\":\"SQL\",\"sqlExpression\":\"amount > 0\",\"clause\":\"WHERE\"}]}");
        FilterRecovery.Result r = FilterRecovery.recover("s1", new FilterRecovery.Inputs(List.of(), 5, List.of(),
                List.of(), fd, "the explore form data", List.of()), List.of(), NOW);
        assertThat(named(r, "country").normalizedValue.asText()).isEqualTo("FR");
        assertThat(named(r, "country").source).isEqualTo(FilterSource.SUPERSET_URL);
        assertThat(named(r, "country").recoveryStatus).isEqualTo(FilterRecoveryStatus.RECOVERED);
        assertThat(named(r, "amount").recoveryStatus).isEqualTo(FilterRecoveryStatus.PARTIAL);
        assertThat(named(r, "adhoc_sql_1").rawValue.asText()).isEqualTo("amount > 0");
        assertThat(named(r, "time_range").normalizedValue.asText()).isEqualTo("Last week");
    }

    @Test
    void aPersonsFilterWinsAndRecoveredOnesKeepTheirIds() {
        ImportedFilter manual = new ImportedFilter();
        manual.filterId = "m1";
        manual.filterName = "region";
        manual.source = FilterSource.MANUAL;
        ImportedFilter earlier = new ImportedFilter();
        earlier.filterId = "c1";
        earlier.filterName = "country";
        earlier.source = FilterSource.SUPERSET_NATIVE;
        FilterRecovery.Result r = recover(List.of(new FilterRecovery.NativeState("the permalink",
                FilterSource.SUPERSET_NATIVE, mask())), List.of(), null, List.of(), List.of(manual, earlier));
        assertThat(r.filters()).extracting(f -> f.filterName).doesNotContain("region");
        assertThat(named(r, "country").filterId).isEqualTo("c1");
        assertThat(r.findings()).extracting((ValidationFinding f) -> f.code).contains(FilterRecovery.FILTER_KEPT_MANUAL);
    }
}
