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
                        // the tasks channel's consumer is bound (Micrometer's Kafka binder): its fetch
                        // metrics, records-lag-max among them once it has fetched records
                        containsString("kafka_consumer_fetch_manager_fetch_latency_avg{client_id=\"kafka-consumer-llm-tasks\""));
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
