package io.auditbridge.core.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.push.PushBudget;
import io.auditbridge.core.push.PushDelivery;
import io.auditbridge.core.testing.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@link BridgeRuntime#runReceiver}: the one lifecycle of the push commands, with a real pipeline and webhook. */
class ReceiverLifecycleTest {
    @TempDir
    Path dir;

    private final WireMockServer webhook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @Command(name = "receiver")
    static final class Options {
        @Mixin SinkOptions sink;
        @Mixin PipelineOptions pipeline;
        @Mixin ReceiverOptions receiver;
    }

    @BeforeEach
    void start() {
        webhook.start();
        webhook.stubFor(post(urlEqualTo("/k8s-audit")).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() {
        webhook.stop();
    }

    private BridgeRuntime<byte[]> runtime(String... extra) throws Exception {
        Options o = new Options();
        List<String> args = new java.util.ArrayList<>(List.of("--sink", webhook.baseUrl() + "/k8s-audit",
                "--dead-letter-file", dir.resolve("dead.ndjson").toString(), "--batch-max-age", "1h"));
        args.addAll(List.of(extra));
        BridgeCli.commandLine(o).parseArgs(args.toArray(String[]::new));
        return BridgeRuntime.builder("test", new K8sEventTranslator("test", Map.of()))
                .sink(o.sink).pipeline(o.pipeline)
                .push(o.receiver.pushBudget(o.pipeline), Duration.ofSeconds(5)).build();
    }

    private static List<SourceRecord<byte[]>> push(int i) {
        return List.of(SourceRecord.unpositioned("req-" + i, SampleEvents.ndjson(i, 1).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void servesUntilStoppedThenStopsTheReceiverWhileThePipelineStillDeliversThenClosesIt() throws Exception {
        BridgeRuntime<byte[]> runtime = runtime();
        List<String> steps = new CopyOnWriteArrayList<>();
        CountDownLatch serving = new CountDownLatch(1);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return runtime.runReceiver(push -> {
                    steps.add("started: " + push.deliver(push(1)).getClass().getSimpleName());
                    serving.countDown();
                    return () -> {
                        try {
                            // A request still in flight when the receiver stops is answered: the pipeline runs.
                            steps.add("receiver stopped: " + push.deliver(push(2)).getClass().getSimpleName());
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(serving.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(exit).isNotDone();

        runtime.requestStop();

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(steps).containsExactly("started: Delivered", "receiver stopped: Delivered");
        assertThat(runtime.pipeline().isAlive()).isFalse();
        assertThat(webhook.getAllServeEvents()).hasSize(2);
    }

    @Test
    void aReceiverThatCannotStartClosesThePipelineAndTheErrorNamesTheOption() throws Exception {
        BridgeRuntime<byte[]> runtime = runtime();

        assertThatThrownBy(() -> runtime.runReceiver(push -> {
            throw new ConfigException("--listen-port", "cannot listen on 0.0.0.0:1: permission denied");
        })).isInstanceOf(ConfigException.class).hasMessageStartingWith("--listen-port: ");
        assertThat(runtime.pipeline().isAlive()).isFalse();
    }

    @Test
    void theReceiversRetryBudgetIsTwoThirdsOfItsRequestTimeoutAndAnExplicitOneMustBeShorter() throws Exception {
        Options o = new Options();
        BridgeCli.commandLine(o).parseArgs("--request-timeout", "9s");
        PushBudget budget = o.receiver.pushBudget(o.pipeline);
        assertThat(budget.retry()).isEqualTo(Duration.ofSeconds(6));
        assertThat(budget.answerWithin()).isEqualTo(Duration.ofSeconds(7));

        Options bad = new Options();
        BridgeCli.commandLine(bad).parseArgs("--request-timeout", "9s", "--max-retry-duration", "9s");
        assertThatThrownBy(() -> bad.receiver.pushBudget(bad.pipeline)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--max-retry-duration: must be shorter than the deadline");
    }

    @Test
    void aPushRuntimeHandsFailuresBackSoTheReceiverCanAnswer503() throws Exception {
        webhook.resetAll();
        webhook.stubFor(post(urlEqualTo("/k8s-audit")).willReturn(aResponse().withStatus(503)));
        BridgeRuntime<byte[]> runtime = runtime("--request-timeout", "3s", "--retry-initial-backoff", "10ms",
                "--retry-max-backoff", "50ms");
        try {
            runtime.pipeline().start();
            PushDelivery.Outcome outcome = runtime.push().deliver(push(3));
            assertThat(outcome).isInstanceOfSatisfying(PushDelivery.NotDelivered.class,
                    n -> assertThat(n.reason()).isEqualTo(PushDelivery.Reason.FAILED));
        } finally {
            runtime.close();
        }
    }
}
