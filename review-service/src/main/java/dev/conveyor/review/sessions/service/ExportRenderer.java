package dev.conveyor.review.sessions.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import dev.conveyor.review.sessions.ArtifactFormat;
import dev.conveyor.review.sessions.ArtifactType;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.ValidationFinding;

/**
 * Renders a session as one of the three exports in one of the four formats. Every export is a
 * table (a title, key facts, then rows); each format writes the same table its own way, the PDF
 * with PDFBox.
 */
public final class ExportRenderer {

    /** The rendered bytes with how to serve them. */
    public record Rendered(byte[] content, String mediaType, String fileName) {
    }

    private record Table(String title, Map<String, String> facts, List<String> header, List<List<String>> rows) {
    }

    private ExportRenderer() {
    }

    public static Rendered render(DatasetReviewSession s, ArtifactType type, ArtifactFormat format) {
        Table t = table(s, type);
        String base = type.wire() + "-" + s.sessionId;
        return switch (format) {
            case JSON -> new Rendered(json(s, type, t), "application/json", base + ".json");
            case MARKDOWN -> new Rendered(markdown(t).getBytes(StandardCharsets.UTF_8), "text/markdown", base + ".md");
            case CSV -> new Rendered(csv(s.sessionId, t).getBytes(StandardCharsets.UTF_8), "text/csv", base + ".csv");
            case PDF -> new Rendered(pdf(t), "application/pdf", base + ".pdf");
        };
    }

    private static Table table(DatasetReviewSession s, ArtifactType type) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("session_id", s.sessionId);
        facts.put("dataset_ref", s.datasetRef);
        facts.put("dataset_name", s.profile == null ? "" : s.profile.datasetName);
        facts.put("status", s.status.wire());
        facts.put("readiness_state", s.readinessState.wire());
        facts.put("recommended_action", s.recommendedAction.wire());
        if (s.profile != null) {
            facts.put("business_summary", s.profile.businessSummary);
            facts.put("confidence_state", s.profile.confidenceState.wire());
        }
        return switch (type) {
            case DOCUMENTATION -> {
                List<List<String>> rows = new ArrayList<>();
                for (SemanticFieldEntry f : s.fields) {
                    rows.add(List.of(f.fieldName, f.fieldKind.wire(), nz(f.verboseName), nz(f.description),
                            nz(f.displayFormat), f.provenance.wire()));
                }
                yield new Table("Dataset documentation", facts, List.of("field_name", "field_kind", "verbose_name",
                        "description", "display_format", "provenance"), rows);
            }
            case VALIDATION_REPORT -> {
                List<List<String>> rows = new ArrayList<>();
                for (ValidationFinding f : s.findings) {
                    rows.add(List.of(f.severity.wire(), f.area.wire(), f.code, f.title, f.resolutionState.wire(),
                            nz(f.resolutionNote)));
                }
                if (s.profile != null) {
                    facts.put("has_blocking_findings", String.valueOf(s.profile.hasBlockingFindings));
                    facts.put("has_warning_findings", String.valueOf(s.profile.hasWarningFindings));
                }
                yield new Table("Validation report", facts, List.of("severity", "area", "code", "title",
                        "resolution_state", "resolution_note"), rows);
            }
            case RUN_SUMMARY -> {
                facts.put("current_phase", s.currentPhase.wire());
                facts.put("last_run_context_id", nz(s.lastRunContextId));
                long open = s.findings.stream().filter(ValidationFinding::isOpen).count();
                List<List<String>> rows = List.of(
                        List.of("fields", String.valueOf(s.fields.size())),
                        List.of("fields_needing_review", String.valueOf(s.fields.stream()
                                .filter(f -> f.needsReview || f.hasConflict).count())),
                        List.of("findings", String.valueOf(s.findings.size())),
                        List.of("open_findings", String.valueOf(open)),
                        List.of("semantic_sources", String.valueOf(s.semanticSources.size())),
                        List.of("clarification_resolved", s.clarification == null ? "0"
                                : String.valueOf(s.clarification.resolvedCount)),
                        List.of("clarification_remaining", s.clarification == null ? "0"
                                : String.valueOf(s.clarification.remainingCount)));
                yield new Table("Run summary", facts, List.of("measure", "value"), rows);
            }
        };
    }

    private static byte[] json(DatasetReviewSession s, ArtifactType type, Table t) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("artifact_type", type.wire());
        doc.putAll(t.facts());
        switch (type) {
            case DOCUMENTATION -> {
                doc.put("profile", s.profile);
                doc.put("fields", s.fields);
            }
            case VALIDATION_REPORT -> doc.put("findings", s.findings);
            case RUN_SUMMARY -> {
                Map<String, String> measures = new LinkedHashMap<>();
                t.rows().forEach(r -> measures.put(r.get(0), r.get(1)));
                doc.put("measures", measures);
                doc.put("clarification", s.clarification);
            }
        }
        return SessionJson.write(doc).getBytes(StandardCharsets.UTF_8);
    }

    private static String markdown(Table t) {
        StringBuilder b = new StringBuilder("# ").append(t.title()).append("\n\n");
        t.facts().forEach((k, v) -> b.append("- **").append(k).append("**: ").append(md(v)).append('\n'));
        b.append("\n| ").append(String.join(" | ", t.header())).append(" |\n|");
        t.header().forEach(h -> b.append("---|"));
        b.append('\n');
        for (List<String> row : t.rows()) {
            b.append("| ").append(String.join(" | ", row.stream().map(ExportRenderer::md).toList())).append(" |\n");
        }
        return b.toString();
    }

    /** Rows only, each with the session id, so exports of several sessions concatenate. */
    private static String csv(String sessionId, Table t) {
        StringBuilder b = new StringBuilder("session_id,");
        b.append(String.join(",", t.header().stream().map(ExportRenderer::csvCell).toList())).append("\r\n");
        for (List<String> row : t.rows()) {
            b.append(sessionId).append(',')
                    .append(String.join(",", row.stream().map(ExportRenderer::csvCell).toList())).append("\r\n");
        }
        return b.toString();
    }

    private static byte[] pdf(Table t) {
        List<String> lines = new ArrayList<>();
        t.facts().forEach((k, v) -> lines.add(k + ": " + nz(v)));
        lines.add("");
        lines.add(String.join(" | ", t.header()));
        t.rows().forEach(r -> lines.add(String.join(" | ", r)));
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font body = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            float margin = 50;
            float leading = 13;
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDPageContentStream cs = new PDPageContentStream(doc, page);
            float y = page.getMediaBox().getHeight() - margin;
            cs.beginText();
            cs.setFont(bold, 16);
            cs.newLineAtOffset(margin, y);
            cs.showText(ascii(t.title()));
            cs.setFont(body, 9);
            cs.newLineAtOffset(0, -2 * leading);
            y -= 2 * leading;
            for (String line : lines) {
                for (String part : wrap(ascii(line), 110)) {
                    if (y < margin) {
                        cs.endText();
                        cs.close();
                        page = new PDPage(PDRectangle.A4);
                        doc.addPage(page);
                        cs = new PDPageContentStream(doc, page);
                        y = page.getMediaBox().getHeight() - margin;
                        cs.beginText();
                        cs.setFont(body, 9);
                        cs.newLineAtOffset(margin, y);
                    }
                    cs.showText(part);
                    cs.newLineAtOffset(0, -leading);
                    y -= leading;
                }
            }
            cs.endText();
            cs.close();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the PDF export", e);
        }
    }

    /** The standard fonts encode WinAnsi only: anything else is replaced, never dropped silently. */
    static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : nz(s).toCharArray()) {
            b.append(ch >= 32 && ch < 127 ? ch : ch == '\t' ? ' ' : '?');
        }
        return b.toString();
    }

    static List<String> wrap(String line, int width) {
        List<String> out = new ArrayList<>();
        String rest = line;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            cut = cut <= 0 ? width : cut;
            out.add(rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
        }
        out.add(rest);
        return out;
    }

    private static String md(String s) {
        return nz(s).replace("|", "\\|").replace("\n", " ");
    }

    private static String csvCell(String s) {
        String v = nz(s);
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")
                ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
