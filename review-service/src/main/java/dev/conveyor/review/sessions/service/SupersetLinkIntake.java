package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FilterSource;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingRules;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.superset.SupersetCallException;
import dev.conveyor.review.sessions.superset.SupersetClient;
import dev.conveyor.review.sessions.superset.SupersetDataset;
import dev.conveyor.review.sessions.superset.SupersetHttp;
import dev.conveyor.review.sessions.superset.SupersetLink;
import dev.conveyor.review.sessions.superset.SupersetUnavailableException;

/**
 * The intake of a session started from a Superset link: reads what the link points at (dashboard,
 * permalink, filter state, explore form data), resolves the dataset, runs the dataset intake as
 * for a selected dataset, and recovers the filters ({@link FilterRecovery}). Runs outside any
 * transaction and answers the events to record, in order, in one command:
 * {@code superset_link_resolved}, then {@code intake_completed} or {@code intake_failed}, then
 * {@code filters_recovered} and the intake's own findings. A call that fails is a finding: when
 * the dataset cannot be resolved the intake fails (resumable with {@code POST .../intake}), when
 * only filter state is lost the rest is kept.
 */
@ApplicationScoped
public class SupersetLinkIntake {

    static final String DASHBOARD_DATASET_CHOSEN = "dashboard_dataset_chosen";
    static final String LINK_TARGET_UNREADABLE = "superset_link_unreadable";
    static final String FORM_DATA_EXPIRED = "form_data_expired";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SupersetHttp http;
    private final SupersetClient datasets;

    public SupersetLinkIntake(SupersetHttp http, SupersetClient datasets) {
        this.http = http;
        this.datasets = datasets;
    }

    /** Parses and checks the link; nothing is requested. A refused link is a 400 naming {@code source_input}. */
    public SupersetLink check(String environmentId, String link) {
        try {
            return SupersetLink.parse(link, http.baseUrl(environmentId));
        } catch (SupersetLink.RefusedLink e) {
            throw SessionProblems.badRequest("source_input", e.getMessage());
        }
    }

    /** What a link alone tells before any call: the dataset id of a dataset or plain explore link. */
    public static Integer datasetIdOf(SupersetLink link) {
        boolean plain = link.kind() == SupersetLink.Kind.DATASET || link.kind() == SupersetLink.Kind.EXPLORE
                && link.formDataKey() == null && link.sliceId() == null;
        return plain ? link.datasourceId() : null;
    }

    public List<Change> intake(DatasetReviewSession s) {
        Instant now = SessionClock.now();
        Reading r = new Reading(s, check(s.environmentId, s.sourceInput), now);
        try {
            r.read();
        } catch (SupersetUnavailableException e) {
            r.fatal = e;
        }
        return r.changes();
    }

    /** One reading of a link: what was read, what failed. */
    private final class Reading {
        final DatasetReviewSession s;
        final SupersetLink link;
        final Instant now;
        final String env;
        Integer datasetId;
        Integer dashboardId;
        List<JsonNode> nativeFilters = new ArrayList<>();
        List<FilterRecovery.NativeState> states = new ArrayList<>();
        List<List<String>> urlParams = new ArrayList<>();
        JsonNode formData;
        String formDataOrigin;
        List<String> unreadable = new ArrayList<>();
        List<ValidationFinding> intakeFindings = new ArrayList<>();
        SupersetDataset dataset;
        SupersetUnavailableException fatal;
        String fatalWhat;

        Reading(DatasetReviewSession s, SupersetLink link, Instant now) {
            this.s = s;
            this.link = link;
            this.now = now;
            this.env = s.environmentId;
            this.urlParams.addAll(link.urlParams());
        }

        void read() {
            switch (link.kind()) {
                case DATASET -> datasetId = link.datasourceId();
                case DASHBOARD -> dashboard(link.dashboard());
                case DASHBOARD_PERMALINK -> dashboardPermalink();
                case EXPLORE -> explore();
                case EXPLORE_PERMALINK -> explorePermalink();
            }
            if (datasetId == null) {
                throw new SupersetCallException(SupersetCallException.Failure.REFUSED,
                        "the link leads to no dataset Superset would name", 0, null);
            }
            fatalWhat = "dataset " + datasetId;
            dataset = datasets.dataset(env, datasetId);
        }

        void dashboardPermalink() {
            JsonNode value;
            try {
                fatalWhat = "the dashboard permalink " + link.permalinkKey();
                value = http.get(env, "/api/v1/dashboard/permalink/" + link.permalinkKey(), "dashboard permalink");
            } catch (SupersetUnavailableException e) {
                if (s.dashboardId == null) {
                    throw e; // nothing tells which dashboard: the intake fails, to be tried again
                }
                unreadable.add("the dashboard permalink " + link.permalinkKey() + " could not be read: "
                        + e.getMessage());
                dashboard(String.valueOf(s.dashboardId));
                return;
            }
            JsonNode state = value.path("state");
            states.add(new FilterRecovery.NativeState("the dashboard permalink's state", FilterSource.SUPERSET_NATIVE,
                    state.path("dataMask")));
            state.path("urlParams").forEach(p -> {
                if (p.size() == 2) {
                    urlParams.add(List.of(p.get(0).asText(), p.get(1).asText()));
                }
            });
            String ref = value.path("dashboardId").asText("");
            if (!ref.matches("[A-Za-z0-9_-]{1,128}")) {
                throw new SupersetCallException(SupersetCallException.Failure.REFUSED,
                        "the dashboard permalink names no usable dashboard ('" + ref + "')", 0, null);
            }
            dashboard(ref);
        }

        void dashboard(String ref) {
            fatalWhat = "dashboard " + ref;
            JsonNode d = http.get(env, "/api/v1/dashboard/" + ref, "dashboard " + ref).path("result");
            dashboardId = d.path("id").isInt() ? d.get("id").asInt() : null;
            String pk = dashboardId == null ? ref : String.valueOf(dashboardId);
            String metadata = d.path("json_metadata").asText("");
            if (!metadata.isBlank()) {
                try {
                    JSON.readTree(metadata).path("native_filter_configuration").forEach(nativeFilters::add);
                } catch (java.io.IOException e) {
                    unreadable.add("the dashboard's json_metadata is not JSON, its native filters are unknown");
                }
            }
            if (link.nativeFiltersKey() != null) {
                try {
                    JsonNode fs = http.get(env, "/api/v1/dashboard/" + pk + "/filter_state/" + link.nativeFiltersKey(),
                            "filter state");
                    states.add(new FilterRecovery.NativeState("the dashboard's filter state "
                            + link.nativeFiltersKey(), FilterSource.SUPERSET_NATIVE,
                            JSON.readTree(fs.path("value").asText("{}"))));
                } catch (SupersetUnavailableException e) {
                    unreadable.add("the filter state " + link.nativeFiltersKey() + " could not be read: "
                            + e.getMessage());
                } catch (java.io.IOException e) {
                    unreadable.add("the filter state " + link.nativeFiltersKey() + " is not JSON");
                }
            }
            if (link.nativeFilters() != null) {
                states.add(new FilterRecovery.NativeState("the link's native_filters", FilterSource.SUPERSET_URL,
                        link.nativeFilters()));
            }
            chooseDataset(pk, d.path("dashboard_title").asText(ref));
        }

        /**
         * The dataset most of the native filters target; on a tie the one most charts use (the
         * order of {@code /datasets}), then the lowest id. Several datasets are a finding naming the
         * choice and the reason.
         */
        void chooseDataset(String pk, String title) {
            Map<Integer, String> candidates = new LinkedHashMap<>();
            try {
                http.get(env, "/api/v1/dashboard/" + pk + "/datasets", "dashboard datasets").path("result")
                        .forEach(x -> candidates.put(x.path("id").asInt(), x.path("table_name").asText("?")));
            } catch (SupersetUnavailableException e) {
                intakeFindings.add(DatasetIntakeMapper.finding(s.sessionId, FindingArea.SOURCE_INTAKE,
                        FindingSeverity.WARNING, LINK_TARGET_UNREADABLE, "The dashboard's datasets could not be read",
                        e.getMessage() + ". The dataset is taken from the native filters' targets instead.", null,
                        now));
                nativeFilters.forEach(f -> {
                    JsonNode t = f.path("targets").path(0);
                    if (t.hasNonNull("datasetId")) {
                        candidates.putIfAbsent(t.get("datasetId").asInt(), "dataset " + t.get("datasetId").asInt());
                    }
                });
            }
            candidates.remove(0);
            if (candidates.isEmpty()) {
                if (s.datasetId != null) {
                    datasetId = s.datasetId;
                    return;
                }
                throw new SupersetCallException(SupersetCallException.Failure.REFUSED,
                        "the dashboard " + title + " has no dataset to review", 0, null);
            }
            Map<Integer, Long> targeted = nativeFilters.stream()
                    .filter(f -> f.path("targets").path(0).hasNonNull("datasetId"))
                    .collect(Collectors.groupingBy(f -> f.path("targets").path(0).get("datasetId").asInt(),
                            Collectors.counting()));
            List<Integer> order = new ArrayList<>(candidates.keySet());
            Integer chosen = order.stream().max(Comparator.<Integer>comparingLong(id -> targeted.getOrDefault(id, 0L))
                    .thenComparing(id -> -order.indexOf(id))).orElseThrow();
            datasetId = chosen;
            if (candidates.size() > 1) {
                long filters = targeted.getOrDefault(chosen, 0L);
                String why = filters > 0 ? filters + " of the dashboard's " + nativeFilters.size()
                        + " native filters target it, more than any other"
                        : "no native filter targets one of them more than another, so the first of the dashboard's";
                intakeFindings.add(DatasetIntakeMapper.finding(s.sessionId, FindingArea.SOURCE_INTAKE,
                        FindingSeverity.INFORMATIONAL, DASHBOARD_DATASET_CHOSEN,
                        "The dashboard has " + candidates.size() + " datasets: " + candidates.get(chosen) + " is reviewed",
                        "Dashboard " + title + " uses " + candidates.entrySet().stream()
                                .map(e -> e.getValue() + " (#" + e.getKey() + ")").collect(Collectors.joining(", "))
                                + ". The session reviews " + candidates.get(chosen) + " (#" + chosen + ") because "
                                + why + ". Start a session from an explore link or the dataset to review another.",
                        null, now));
            }
        }

        void explore() {
            if (link.formDataKey() == null && link.sliceId() == null) {
                datasetId = link.datasourceId();
                return;
            }
            StringBuilder q = new StringBuilder("/api/v1/explore/?");
            if (link.formDataKey() != null) {
                q.append("form_data_key=").append(link.formDataKey()).append('&');
            }
            if (link.sliceId() != null) {
                q.append("slice_id=").append(link.sliceId()).append('&');
            }
            if (link.datasourceId() != null) {
                q.append("datasource_id=").append(link.datasourceId()).append("&datasource_type=")
                        .append(link.datasourceType() == null ? "table" : link.datasourceType()).append('&');
            }
            JsonNode result;
            try {
                fatalWhat = "the explore form data";
                result = http.get(env, q.substring(0, q.length() - 1), "explore form data").path("result");
            } catch (SupersetUnavailableException e) {
                Integer known = link.datasourceId() != null ? link.datasourceId() : s.datasetId;
                if (known == null) {
                    throw e;
                }
                unreadable.add("the explore form data could not be read: " + e.getMessage());
                datasetId = known;
                return;
            }
            formData = result.path("form_data");
            formDataOrigin = "the explore form data" + (link.formDataKey() == null ? "" : " " + link.formDataKey());
            if (result.hasNonNull("message")) {
                // Superset fell back to the chart's or dataset's saved state: the person's changes are gone
                unreadable.add("Superset says: " + result.get("message").asText());
            }
            datasetId = datasourceOf(formData);
            if (datasetId == null) {
                datasetId = result.path("dataset").path("id").isInt() ? result.path("dataset").get("id").asInt()
                        : link.datasourceId();
            }
        }

        void explorePermalink() {
            JsonNode value;
            try {
                fatalWhat = "the explore permalink " + link.permalinkKey();
                value = http.get(env, "/api/v1/explore/permalink/" + link.permalinkKey(), "explore permalink");
            } catch (SupersetUnavailableException e) {
                if (s.datasetId == null) {
                    throw e;
                }
                unreadable.add("the explore permalink " + link.permalinkKey() + " could not be read: "
                        + e.getMessage());
                datasetId = s.datasetId;
                return;
            }
            JsonNode state = value.path("state");
            formData = state.path("formData");
            formDataOrigin = "the explore permalink's form data";
            state.path("urlParams").forEach(p -> {
                if (p.size() == 2) {
                    urlParams.add(List.of(p.get(0).asText(), p.get(1).asText()));
                }
            });
            datasetId = datasourceOf(formData);
            if (datasetId == null && value.path("datasourceId").isInt()) {
                datasetId = value.get("datasourceId").asInt();
            }
        }

        List<Change> changes() {
            List<Change> out = new ArrayList<>();
            if (datasetId != null || dashboardId != null) {
                Change resolved = Change.of(SessionEventType.SUPERSET_LINK_RESOLVED, "dataset_id", datasetId)
                        .with("dashboard_id", dashboardId);
                if (datasetId != null) {
                    resolved = resolved.with("dataset_ref", ReviewSessionService.datasetRef(env, datasetId));
                }
                out.add(resolved);
            }
            if (fatal == null) {
                DatasetIntakeMapper.Intake intake = DatasetIntakeMapper.map(s.sessionId, dataset, now);
                out.add(Change.of(SessionEventType.INTAKE_COMPLETED, "profile", intake.profile())
                        .with("fields", intake.fields()).with("findings", intake.findings())
                        .with("dataset_ref", ReviewSessionService.datasetRef(env, dataset.id())));
            } else {
                boolean missing = fatal.status() == 404;
                String code = fatal instanceof SupersetCallException c ? c.failure().code()
                        : FindingRules.SUPERSET_UNREACHABLE;
                ValidationFinding f = DatasetIntakeMapper.finding(s.sessionId, FindingArea.SOURCE_INTAKE,
                        FindingSeverity.BLOCKING, missing ? "superset_link_target_not_found" : code,
                        missing ? "Superset has no " + fatalWhat : "The link could not be followed in Superset",
                        "Reading " + fatalWhat + ": " + fatal.getMessage() + ". Nothing of the dataset was imported; "
                                + "POST /review-sessions/{id}/intake tries again.", null, now);
                out.add(Change.of(SessionEventType.INTAKE_FAILED, "finding", f));
            }
            FilterRecovery.Result recovered = FilterRecovery.recover(s.sessionId, new FilterRecovery.Inputs(
                    nativeFilters, datasetId, states, urlParams, formData, formDataOrigin, unreadable),
                    s.importedFilters, now);
            if (fatal == null || !recovered.filters().isEmpty()) {
                out.add(Change.of(SessionEventType.FILTERS_RECOVERED, "filters", recovered.filters())
                        .with("findings", recovered.findings()));
            }
            if (!intakeFindings.isEmpty()) {
                out.add(Change.of(SessionEventType.FINDING_RAISED, "findings", intakeFindings));
            }
            return out;
        }
    }

    /** {@code "12__table"} → 12. */
    static Integer datasourceOf(JsonNode formData) {
        if (formData == null) {
            return null;
        }
        JsonNode ds = formData.get("datasource");
        if (ds != null && ds.isTextual()) {
            String id = ds.asText().split("__")[0];
            return id.matches("[1-9][0-9]{0,9}") ? Integer.valueOf(id) : null;
        }
        if (ds != null && ds.isObject() && ds.path("id").isInt()) {
            return ds.get("id").asInt();
        }
        return null;
    }
}
