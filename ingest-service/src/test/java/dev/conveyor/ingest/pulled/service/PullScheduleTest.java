package dev.conveyor.ingest.pulled.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conveyor.common.rest.Problem;

class PullScheduleTest {

    @Test
    void shouldReadAnIsoDurationInSecondsAndLeaveNoneForOnDemandSources() {
        List<Problem.FieldError> errors = new ArrayList<>();

        assertThat(PullSchedule.seconds("PT5M", errors)).isEqualTo(300L);
        assertThat(PullSchedule.seconds(null, errors)).isNull();
        assertThat(PullSchedule.seconds(" ", errors)).isNull();
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldNamePullEveryWhenTheDurationIsBadOrUnderASecond() {
        List<Problem.FieldError> errors = new ArrayList<>();

        assertThat(PullSchedule.seconds("five minutes", errors)).isNull();
        assertThat(PullSchedule.seconds("PT0.5S", errors)).isNull();

        assertThat(errors).extracting(Problem.FieldError::field).containsExactly("pull_every", "pull_every");
        assertThat(errors).extracting(Problem.FieldError::message)
                .containsExactly("must be an ISO-8601 duration such as PT5M", "must be at least PT1S");
    }
}
