package io.auditbridge.aks;

import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;

import io.auditbridge.core.testing.ManualClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.EventBatchContext;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.LastEnqueuedEventProperties;
import com.azure.messaging.eventhubs.models.PartitionContext;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.auditbridge.aks.AzuriteExtension.Azurite;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.retry.Sleeper;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.sink.WebhookSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch handler driven with real EventBatchContext objects over the real BlobCheckpointStore on Azurite,
 * delivering to a WireMock webhook.
 */
@ExtendWith(AzuriteExtension.class)
class EventHubsBatchHandlerTest {
    private static final String NAMESPACE = "aks-audit.servicebus.windows.net";
    private static final String HUB = "insights-logs-kube-audit";
    private static final String GROUP = "auditbridge";
    private static final Instant T0 = Instant.parse("2026-11-29T10:15:00Z");

    /** What the checkpoint store held at the moment each webhook request was answered. */
    private static final List<Map<String, Long>> checkpointsWhenAnswering = new CopyOnWriteArrayList<>();
    private static volatile BlobCheckpointStore observed;

    @RegisterExtension
    static WireMockExtension webhook = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(new ServeEventListener() {
                @Override
                public void beforeResponseSent(ServeEvent event, Parameters parameters) {
                    if (observed != null) {
                        checkpointsWhenAnswering.add(checkpoints(observed));
                    }
                }

                @Override
                public String getName() {
                    return "checkpoint-observer";
                }
            })).build();

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private final List<Duration> handlerWaits = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private BlobContainerAsyncClient container;

    @BeforeEach
    void container(Azurite azurite) {
        container = new BlobContainerClientBuilder().connectionString(azurite.connectionString())
                .containerName("checkpoints-" + UUID.randomUUID()).buildAsyncClient();
        container.createIfNotExists().block(Duration.ofSeconds(30));
        checkpointsWhenAnswering.clear();
    }

    @AfterEach
    void close() throws Exception {
        observed = null;
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private BlobCheckpointStore store() {
        BlobCheckpointStore s = new BlobCheckpointStore(container);
        observed = s;
        return s;
    }

    /** A pipeline as {@code run} builds it: the webhook is retried without a deadline; a partition waits. */
    private Pipeline<byte[]> pipeline() throws IOException {
        return pipeline(Pipeline.OnGiveUp.DEAD_LETTER, null, clock.advancingSleeper());
    }

    private Pipeline<byte[]> pipeline(Pipeline.OnGiveUp onGiveUp, Duration maxRetry, Sleeper sleeper) throws IOException {
        Pipeline<byte[]> p = Pipeline.builder("aks", new DiagnosticRecordTranslator(), WebhookSink.builder(webhook.baseUrl() + "/k8s-audit").build())
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                .onGiveUp(onGiveUp)
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).maxRetryDuration(maxRetry).random(() -> 1.0).build())
                .clock(clock).sleeper(sleeper)
                .shutdownTimeout(Duration.ofMillis(10))
                .build();
        p.start();
        toClose.add(p);
        return p;
    }

    private EventHubsBatchHandler handler(Pipeline<byte[]> pipeline, BlobCheckpointStore store, Sleeper sleeper) {
        return new EventHubsBatchHandler(new PushDelivery<>(pipeline, PushBudget.UNBOUNDED, Duration.ZERO), store,
                RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofSeconds(8)).random(() -> 1.0).build(),
                sleeper, clock, new PartitionLag(PipelineMetrics.inMemory("aks")), Duration.ofSeconds(30));
    }

    /** A handler sleeper that records the waits and reports "stopping" on the {@code stopAt}-th wait. */
    private Sleeper recordingSleeper(int stopAt) {
        return d -> {
            handlerWaits.add(d);
            clock.advance(d);
            return handlerWaits.size() < stopAt;
        };
    }

    private static EventBatchContext batch(BlobCheckpointStore store, String partition, long lastEnqueued, EventData... events) {
        return new EventBatchContext(new PartitionContext(NAMESPACE, HUB, GROUP, partition), List.of(events), store,
                new LastEnqueuedEventProperties(lastEnqueued, String.valueOf(lastEnqueued * 1000), T0, T0));
    }

    private static EventData message(long seq, String... auditIds) {
        return new PositionedEventData(Bodies.message(auditIds), seq, T0.plusSeconds(seq));
    }

    private static Map<String, Long> checkpoints(BlobCheckpointStore store) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Checkpoint cp : store.listCheckpoints(NAMESPACE, HUB, GROUP).collectList().block(Duration.ofSeconds(30))) {
            out.put(cp.getPartitionId(), cp.getSequenceNumber());
        }
        return out;
    }

    private static List<String> postedAuditIds() throws IOException {
        return WebhookRequests.postedAuditIds(webhook, "/k8s-audit");
    }

    @Test
    void deliversTheBatchInOrderAndCheckpointsItsLastMessageOnlyAfterTheWebhooks2xx() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();

        handler(pipeline(), store, recordingSleeper(1)).accept(batch(store, "0", 9,
                message(7, "a-1", "a-2"), message(8, "a-3"), message(9, "a-4", "a-5")));

        assertThat(postedAuditIds()).containsExactly("a-1", "a-2", "a-3", "a-4", "a-5");
        assertThat(checkpointsWhenAnswering).containsExactly(Map.of());
        assertThat(checkpoints(store)).containsExactly(Map.entry("0", 9L));
        assertThat(handlerWaits).isEmpty();
    }

    @Test
    void aFailedDeliveryIsRetriedWhileTheHandlerWaitsAndCheckpointedOnlyAfterItSucceeds() throws IOException {
        webhook.stubFor(post("/k8s-audit").inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        webhook.stubFor(post("/k8s-audit").inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();

        handler(pipeline(), store, recordingSleeper(10)).accept(batch(store, "1", 4, message(3, "b-1"), message(4, "b-2")));

        // Both attempts carried the whole batch in order; the store was empty while the webhook answered each.
        assertThat(postedAuditIds()).containsExactly("b-1", "b-2", "b-1", "b-2");
        assertThat(checkpointsWhenAnswering).containsExactly(Map.of(), Map.of());
        assertThat(checkpoints(store)).containsExactly(Map.entry("1", 4L));
    }

    @Test
    void aFailedSubmissionIsResubmittedByTheHandlerAfterABackoff() throws IOException {
        webhook.stubFor(post("/k8s-audit").inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        webhook.stubFor(post("/k8s-audit").inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();
        // A pipeline that hands a failure back at once instead of retrying it itself.
        Pipeline<byte[]> failFast = pipeline(Pipeline.OnGiveUp.FAIL_SUBMISSION, Duration.ofMillis(50), clock.advancingSleeper());

        handler(failFast, store, recordingSleeper(10)).accept(batch(store, "1", 3, message(3, "g-1")));

        assertThat(handlerWaits).containsExactly(Duration.ofSeconds(1));
        assertThat(postedAuditIds()).containsExactly("g-1", "g-1");
        assertThat(checkpointsWhenAnswering).containsExactly(Map.of(), Map.of());
        assertThat(checkpoints(store)).containsExactly(Map.entry("1", 3L));
    }

    @Test
    void aFailingWebhookLeavesTheCheckpointWhereItWas() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();
        List<Duration> pipelineWaits = new CopyOnWriteArrayList<>();
        EventHubsBatchHandler[] handler = new EventHubsBatchHandler[1];
        // The pipeline retries without a deadline; at its fourth wait the test shuts the handler down, and that
        // wait lasts until the pipeline is closed.
        Pipeline<byte[]> pipeline = pipeline(Pipeline.OnGiveUp.DEAD_LETTER, null, d -> {
            pipelineWaits.add(d);
            clock.advance(d);
            if (pipelineWaits.size() == 4) {
                handler[0].stop();
                new CountDownLatch(1).await();
            }
            return true;
        });
        handler[0] = handler(pipeline, store, recordingSleeper(100));
        handler[0].accept(batch(store, "0", 5, message(5, "c-1")));
        assertThat(checkpoints(store)).containsExactly(Map.entry("0", 5L));

        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(503)));
        handler[0].accept(batch(store, "0", 7, message(6, "c-2"), message(7, "c-3")));

        // Retried with growing waits and never acknowledged: nothing past seq 5 is checkpointed.
        assertThat(pipelineWaits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(800));
        assertThat(postedAuditIds()).containsExactly("c-1", "c-2", "c-3", "c-2", "c-3", "c-2", "c-3", "c-2", "c-3");
        assertThat(checkpoints(store)).containsExactly(Map.entry("0", 5L));
        assertThat(dir.resolve("dead.ndjson")).doesNotExist();
    }

    @Test
    void withADeliveryDeadlineTheBatchIsDeadLetteredAndThenCheckpointed() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(503)));
        BlobCheckpointStore store = store();
        Pipeline<byte[]> pipeline = pipeline(Pipeline.OnGiveUp.DEAD_LETTER, Duration.ofMillis(250), clock.advancingSleeper());

        handler(pipeline, store, recordingSleeper(1)).accept(batch(store, "0", 8, message(8, "h-1", "h-2")));

        // Waits of 100 then 200 ms: the second would pass the 250 ms budget, so two attempts, then the dead-letter file.
        assertThat(postedAuditIds()).containsExactly("h-1", "h-2", "h-1", "h-2");
        assertThat(Files.readAllLines(dir.resolve("dead.ndjson"))).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("retry budget exhausted"));
        assertThat(checkpoints(store)).containsExactly(Map.entry("0", 8L));
    }

    @Test
    void aRestartResumesAfterTheCheckpointsTheFirstProcessWrote() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore first = store();
        handler(pipeline(), first, recordingSleeper(1)).accept(batch(first, "0", 12, message(11, "d-1"), message(12, "d-2")));
        handler(pipeline(), first, recordingSleeper(1)).accept(batch(first, "2", 30, message(30, "d-3")));

        // A new process: new clients for the same container.
        BlobCheckpointStore second = new BlobCheckpointStore(new BlobContainerClientBuilder()
                .connectionString(container.getAccountUrl().contains("127.0.0.1") ? connectionStringOf(container) : null)
                .containerName(container.getBlobContainerName()).buildAsyncClient());
        Map<String, EventPosition> resume = ResumePositions.load(second, NAMESPACE, HUB, GROUP, Duration.ofSeconds(30));
        assertThat(resume).containsOnlyKeys("0", "2");
        assertThat(resume.get("0")).isEqualTo(EventPosition.fromOffsetString("12000"));
        assertThat(resume.get("2")).isEqualTo(EventPosition.fromOffsetString("30000"));
        assertThat(resume.get("0").isInclusive()).isFalse();

        // The processor hands the second process the messages after seq 12; they move the checkpoint on.
        handler(pipeline(), second, recordingSleeper(1)).accept(batch(second, "0", 13, message(13, "d-4")));
        assertThat(checkpoints(second)).containsExactly(Map.entry("0", 13L), Map.entry("2", 30L));
        assertThat(postedAuditIds()).containsExactly("d-1", "d-2", "d-3", "d-4");
    }

    @Test
    void aBodyThatIsNotAnEnvelopeIsDeadLetteredAndTheCheckpointMovesPastIt() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();
        EventData garbage = new PositionedEventData("I1129 10:15:02 klog text".getBytes(StandardCharsets.UTF_8), 21, T0);

        handler(pipeline(), store, recordingSleeper(1)).accept(batch(store, "3", 22, message(20, "e-1"), garbage, message(22, "e-2")));

        assertThat(postedAuditIds()).containsExactly("e-1", "e-2");
        assertThat(checkpoints(store)).containsExactly(Map.entry("3", 22L));
        assertThat(Files.readString(dir.resolve("dead.ndjson")))
                .contains("not_envelope").contains("partition=3 seq=21").contains("klog text");
    }

    @Test
    void aBatchWhoseEventsAreAllFilteredIsStillCheckpointedAndAnEmptyBatchIsNot() throws IOException {
        BlobCheckpointStore store = store();
        Pipeline<byte[]> pipeline = pipeline();
        EventData klogOnly = new PositionedEventData(("{\"records\":[{\"category\":\"kube-apiserver\",\"properties\":{\"log\":\"I1129 x\"}}]}")
                .getBytes(StandardCharsets.UTF_8), 40, T0);

        handler(pipeline, store, recordingSleeper(1)).accept(batch(store, "0", 40));
        assertThat(checkpoints(store)).isEmpty();

        handler(pipeline, store, recordingSleeper(1)).accept(batch(store, "0", 40, klogOnly));
        assertThat(checkpoints(store)).containsExactly(Map.entry("0", 40L));
        assertThat(webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit")))).isEmpty();
    }

    @Test
    void afterAnUnexpectedFailureThePartitionIsNotCheckpointedPastItUntilReopened() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();
        EventHubsBatchHandler handler = handler(pipeline(), store, recordingSleeper(1));
        EventData unreadable = new PositionedEventData(new byte[0], 51, T0) {
            @Override
            public byte[] getBody() {
                throw new IllegalStateException("body cannot be decoded");
            }
        };
        handler.accept(batch(store, "0", 50, message(50, "i-1")));

        handler.accept(batch(store, "0", 52, unreadable));
        handler.accept(batch(store, "0", 52, message(52, "i-2")));
        // Delivered, but the checkpoint stays before the failed batch, so a reopen reads it again.
        assertThat(postedAuditIds()).containsExactly("i-1", "i-2");
        assertThat(checkpoints(store)).containsExactly(Map.entry("0", 50L));

        handler.partitionOpened("0");
        handler.accept(batch(store, "0", 53, message(53, "i-3")));
        assertThat(checkpoints(store)).containsExactly(Map.entry("0", 53L));
    }

    @Test
    void aMessageWithoutBrokerPositionIsDeliveredButCannotMoveTheCheckpoint() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();
        // EventData built by hand, as a test or a misbehaving client would: no sequence number, no offset.
        EventData handMade = new EventData(Bodies.message("j-1"));

        handler(pipeline(), store, recordingSleeper(1)).accept(batch(store, "0", 5, handMade));

        assertThat(postedAuditIds()).containsExactly("j-1");
        assertThat(checkpoints(store)).isEmpty();
    }

    @Test
    void lagIsTheHubsLastSequenceNumberMinusTheLastCheckpointedOne() throws IOException {
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        BlobCheckpointStore store = store();
        PartitionLag lag = new PartitionLag(PipelineMetrics.inMemory("aks"));
        EventHubsBatchHandler handler = new EventHubsBatchHandler(new PushDelivery<>(pipeline(), PushBudget.UNBOUNDED, Duration.ZERO), store, RetryPolicy.defaults(),
                recordingSleeper(1), clock, lag, Duration.ofSeconds(30));

        handler.accept(batch(store, "0", 100, message(60, "f-1")));

        assertThat(lag.lag("0")).isEqualTo(40.0);
        assertThat(lag.lag("1")).isNaN();
    }

    private static String connectionStringOf(BlobContainerAsyncClient c) {
        String endpoint = c.getAccountUrl();
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                + "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=" + endpoint + ";";
    }
}
