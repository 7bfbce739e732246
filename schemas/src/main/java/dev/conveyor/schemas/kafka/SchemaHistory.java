package dev.conveyor.schemas.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.avro.Schema;

/**
 * Older versions of our event schemas, kept in {@code avro-history/} on the classpath and listed
 * in its {@code index.txt}. A reader built with the current schema registers them so that
 * records written by an older producer still decode.
 */
public final class SchemaHistory {

    private static final String INDEX = "avro-history/index.txt";
    private static final Map<String, List<Schema>> BY_NAME = load();

    private SchemaHistory() {
    }

    public static List<Schema> olderVersionsOf(String fullName) {
        return BY_NAME.getOrDefault(fullName, List.of());
    }

    private static Map<String, List<Schema>> load() {
        List<Schema> schemas = new ArrayList<>();
        for (String file : lines(INDEX)) {
            try (InputStream in = resource("avro-history/" + file)) {
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history file " + file, e);
            }
        }
        return schemas.stream().collect(Collectors.groupingBy(Schema::getFullName));
    }

    private static List<String> lines(String path) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(resource(path), StandardCharsets.UTF_8))) {
            return reader.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("Missing classpath resource " + path);
        }
        return in;
    }
}
