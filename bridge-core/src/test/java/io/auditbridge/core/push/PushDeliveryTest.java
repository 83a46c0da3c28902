package io.auditbridge.core.push;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.http.HandlerResponse;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.sink.WebhookSink;
import io.auditbridge.core.testing.ManualClock;
import io.auditbridge.core.testing.RecordingSleeper;
import io.auditbridge.core.testing.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared push hand-off against a real HTTP webhook (WireMock), as every push entry point uses it. */
class PushDeliveryTest {
    private static final String PATH = "/k8s-audit";

    @TempDir
    Path dir;

    private final WireMockServer webhook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T10:00:00Z"));
    private Pipeline<byte[]> pipeline;

    @BeforeEach
    void startWebhook() {
        webhook.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        webhook.stop();
    }

    /** A receiver's pipeline: failures handed back after the budget's retry, batches that would wait an hour to age. */
    private Pipeline<byte[]> pipeline(Pipeline.OnGiveUp onGiveUp, Duration retry, io.auditbridge.core.retry.Sleeper sleeper)
            throws Exception {
        Pipeline.Builder<byte[]> b = Pipeline.builder("test", new K8sEventTranslator("test", Map.of()),
                        WebhookSink.builder(webhook.baseUrl() + PATH).build())
                .onGiveUp(onGiveUp)
                .batchLimits(new BatchLimits(500, 10L * 1024 * 1024, Duration.ofHours(1), 256 * 1024))
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1))
                        .maxRetryDuration(retry).build())
                .clock(clock)
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                .shutdownTimeout(Duration.ofMillis(200));
        if (sleeper != null) {
            b.sleeper(sleeper);
        }
        pipeline = b.build();
        pipeline.start();
        return pipeline;
    }

    private static List<SourceRecord<byte[]>> push(int from, int count) {
        return List.of(SourceRecord.unpositioned("req-" + from,
                SampleEvents.ndjson(from, count).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFullySubmittedPushIsSentAtOnceNotAfterTheBatchAge() throws Exception {
        webhook.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)));
        PushBudget budget = PushBudget.forDeadline(Duration.ofSeconds(5), null);
        PushDelivery<byte[]> delivery = new PushDelivery<>(pipeline(Pipeline.OnGiveUp.FAIL_SUBMISSION, budget.retry(), null),
                budget, Duration.ofSeconds(5));

        PushDelivery.Outcome outcome = delivery.deliver(push(1, 3));

        // The batch age is an hour and the wait under 5 s: only the flush gets the events out in time.
        assertThat(outcome).isInstanceOf(PushDelivery.Delivered.class);
        assertThat(outcome.events()).isEqualTo(3);
        assertThat(SampleEvents.auditIds(webhook.findAll(postRequestedFor(urlEqualTo(PATH))).getFirst().getBody()))
                .containsExactly(SampleEvents.auditId(1), SampleEvents.auditId(2), SampleEvents.auditId(3));
    }

    @Test
    void aSinkOutageIsHandedBackAfterTheRetryBudgetAsAFailedInvocation() throws Exception {
        webhook.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503)));
        PushBudget budget = PushBudget.forDeadline(Duration.ofSeconds(30), null);
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        PushDelivery<byte[]> delivery = new PushDelivery<>(pipeline(Pipeline.OnGiveUp.FAIL_SUBMISSION, budget.retry(), sleeper),
                budget, Duration.ofSeconds(5));

        PushDelivery.Outcome outcome = delivery.deliver(push(10, 1));

        assertThat(outcome).isInstanceOfSatisfying(PushDelivery.NotDelivered.class, n -> {
            assertThat(n.reason()).isEqualTo(PushDelivery.Reason.FAILED);
            assertThat(n.detail()).contains("503");
        });
        // Retried on the pipeline's clock until the 20 s budget (2/3 of 30 s) was spent, never past it.
        long waited = sleeper.waits().stream().mapToLong(Duration::toMillis).sum();
        assertThat(waited).isLessThanOrEqualTo(budget.retry().toMillis());
        assertThat(webhook.findAll(postRequestedFor(urlEqualTo(PATH))).size()).isGreaterThan(1);
        assertThatThrownBy(() -> outcome.orThrow("invocation c0ffee"))
                .isInstanceOf(DeliveryFailedException.class).hasMessageStartingWith("invocation c0ffee: ").hasMessageContaining("503");
    }

    @Test
    void aReceiverAnswersANotDeliveredPushWith503AndRetryAfter() throws Exception {
        PushDelivery<byte[]> delivery = new PushDelivery<>(pipeline(Pipeline.OnGiveUp.FAIL_SUBMISSION, Duration.ofSeconds(1), null),
                PushBudget.forDeadline(Duration.ofSeconds(3), null), Duration.ofSeconds(7));

        HandlerResponse answer = delivery.unavailable(HandlerResponse.json(200, "{\"requestId\":\"r-1\"}"));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers()).containsEntry("Retry-After", "7");
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"requestId\":\"r-1\"}");
    }

    @Test
    void aSinkSlowerThanTheWaitIsAnsweredTimedOutAndStillDeliveredLater() throws Exception {
        webhook.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));
        PushBudget budget = PushBudget.forDeadline(Duration.ofMillis(400), null);
        PushDelivery<byte[]> delivery = new PushDelivery<>(pipeline(Pipeline.OnGiveUp.FAIL_SUBMISSION, budget.retry(), null),
                budget, Duration.ofSeconds(5));

        PushDelivery.Outcome outcome = delivery.deliver(push(20, 1));

        assertThat(outcome).isInstanceOfSatisfying(PushDelivery.NotDelivered.class,
                n -> assertThat(n.reason()).isEqualTo(PushDelivery.Reason.TIMED_OUT));
        // At-least-once: the caller retries, and the first copy still arrives.
        outcome.done().get(30, TimeUnit.SECONDS);
        assertThat(webhook.findAll(postRequestedFor(urlEqualTo(PATH)))).hasSize(1);
    }

    @Test
    void stopEndsTheWaitOfASubscriberThatHoldsItsPosition() throws Exception {
        // A subscriber waits without a deadline while the pipeline retries a down webhook for ever.
        webhook.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503)));
        PushDelivery<byte[]> delivery = new PushDelivery<>(pipeline(Pipeline.OnGiveUp.DEAD_LETTER, null, d -> {
            clock.advance(d);
            Thread.sleep(5); // the webhook is down; keep the retry loop from spinning the CPU
            return true;
        }), PushBudget.UNBOUNDED, Duration.ZERO);

        CompletableFuture<PushDelivery.Outcome> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return delivery.deliver(push(30, 1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (webhook.findAll(postRequestedFor(urlEqualTo(PATH))).size() < 2) {
            Thread.sleep(10);
        }
        assertThat(outcome).isNotDone();
        delivery.stop();

        assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(PushDelivery.NotDelivered.class,
                n -> assertThat(n.reason()).isEqualTo(PushDelivery.Reason.STOPPING));
        assertThat(outcome.get().delivered()).isFalse();
    }
}
