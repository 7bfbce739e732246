package dev.conveyor.review.sessions.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import dev.conveyor.review.sessions.ArtifactFormat;
import dev.conveyor.review.sessions.ArtifactType;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FieldKind;
import dev.conveyor.review.sessions.Readiness;
import dev.conveyor.review.sessions.SessionStatus;
import dev.conveyor.review.sessions.superset.SupersetDataset;

class ExportRendererTest {

    static DatasetReviewSession session(int columns) {
        DatasetReviewSession s = new DatasetReviewSession();
        s.sessionId = UUID.randomUUID().toString();
        s.status = SessionStatus.ACTIVE;
        s.datasetRef = "superset://test/dataset/1";
        java.util.List<SupersetDataset.Column> cols = new java.util.ArrayList<>();
        for (int i = 0; i < columns; i++) {
            cols.add(new SupersetDataset.Column("col_" + i, i % 2 == 0 ? "Col " + i : null, "Ünïcode, \"quoted\" " + i,
                    "VARCHAR", null));
        }
        DatasetIntakeMapper.Intake intake = DatasetIntakeMapper.map(s.sessionId, new SupersetDataset(1, "orders", "physical",
                null, false, "sales", "dwh", null, cols, java.util.List.of()), Instant.parse("2026-03-16T10:00:00Z"));
        s.profile = intake.profile();
        s.fields.addAll(intake.fields());
        s.findings.addAll(intake.findings());
        Readiness.apply(s);
        return s;
    }

    @Test
    void aLongPdfSpansPagesAndReadsBack() throws IOException {
        DatasetReviewSession s = session(150);
        byte[] pdf = ExportRenderer.render(s, ArtifactType.DOCUMENTATION, ArtifactFormat.PDF).content();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isGreaterThan(1);
            String text = new PDFTextStripper().getText(doc);
            assertThat(text).contains("Dataset documentation", s.sessionId, "col_0", "col_149");
        }
        assertThat(s.fields.get(0).fieldKind).isEqualTo(FieldKind.COLUMN);
    }

    @Test
    void csvQuotesWhatNeedsQuoting() {
        String csv = new String(ExportRenderer.render(session(2), ArtifactType.DOCUMENTATION, ArtifactFormat.CSV)
                .content(), StandardCharsets.UTF_8);
        assertThat(csv.split("\r\n")[0]).isEqualTo(
                "session_id,field_name,field_kind,verbose_name,description,display_format,provenance");
        assertThat(csv).contains("\"Ünïcode, \"\"quoted\"\" 0\"");
    }

    @Test
    void markdownEscapesTablePipes() {
        DatasetReviewSession s = session(1);
        s.fields.get(0).description = "a | b";
        String md = new String(ExportRenderer.render(s, ArtifactType.DOCUMENTATION, ArtifactFormat.MARKDOWN).content(),
                StandardCharsets.UTF_8);
        assertThat(md).contains("a \\| b").startsWith("# Dataset documentation");
    }
}
