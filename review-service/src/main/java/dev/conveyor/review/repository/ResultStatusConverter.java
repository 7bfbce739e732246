package dev.conveyor.review.repository;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import dev.conveyor.review.ResultStatus;

/** Stores a status as its label (Pending, Completed, Failed, Skipped), which the table's check constraint accepts. */
@Converter
public class ResultStatusConverter implements AttributeConverter<ResultStatus, String> {

    @Override
    public String convertToDatabaseColumn(ResultStatus status) {
        return status == null ? null : status.label();
    }

    @Override
    public ResultStatus convertToEntityAttribute(String label) {
        return label == null ? null : ResultStatus.fromLabel(label);
    }
}
