package dev.conveyor.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskIdsTest {

    @Test
    void shouldGiveTheSameTaskTheSameId() {
        assertThat(TaskIds.taskId("run", "sentiment", "row")).isEqualTo(TaskIds.taskId("run", "sentiment", "row"));
    }

    @Test
    void shouldGiveDifferentTasksDifferentIds() {
        assertThat(TaskIds.taskId("run", "sentiment", "row"))
                .isNotEqualTo(TaskIds.taskId("run", "summarization", "row"))
                .isNotEqualTo(TaskIds.taskId("run2", "sentiment", "row"));
    }
}
