package dev.conveyor.worker;

import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What Kubernetes and Prometheus reach on a running worker: probes, metrics, the API document. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(FakeOpenAiResource.class)
class OperationsEndpointsIT {

    @Test
    void shouldServeTheWorkersMetersForPrometheus() {
        when().get("/q/metrics").then().statusCode(200)
                .body(containsString("conveyor_worker_tasks_in_flight"),
                        containsString("conveyor_worker_provider_calls_total{outcome=\"rate_limited\""),
                        containsString("conveyor_worker_cache_total{result=\"hit\""),
                        containsString("jvm_memory_used_bytes"),
                        // consumer lag of the tasks channel (Micrometer's Kafka binder)
                        containsString("kafka_consumer_fetch_manager_records_lag_max"));
    }

    @Test
    void shouldAnswerTheProbesOfTheManifests() {
        when().get("/q/health/started").then().statusCode(200);
        when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void shouldServeItsOpenApiDocumentAndSwaggerUi() {
        when().get("/q/openapi").then().statusCode(200).body(containsString("/worker/stats"));
        when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
