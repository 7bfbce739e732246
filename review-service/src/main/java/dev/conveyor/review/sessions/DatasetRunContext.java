package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** The audited execution snapshot recorded at launch (seed §8). */
public class DatasetRunContext {
    public String runContextId;
    public String sessionId;
    public String datasetRef;
    public String environmentId;
    public String previewId;
    public String sqlLabSessionRef;
    public JsonNode effectiveFilters;
    public JsonNode templateParams;
    public List<String> approvedMappingIds = new ArrayList<>();
    public List<String> semanticDecisionRefs = new ArrayList<>();
    public List<String> openWarningRefs = new ArrayList<>();
    public LaunchStatus launchStatus;
    public String launchError;
    public Instant createdAt;
}
