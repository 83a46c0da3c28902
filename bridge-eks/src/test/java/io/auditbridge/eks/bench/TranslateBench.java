package io.auditbridge.eks.bench;

import io.auditbridge.core.Event;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.eks.CloudWatchLogEvent;
import io.auditbridge.eks.EksAuditTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Translate throughput: CloudWatch log events carrying EKS audit Events (about 1.4 KB each, like real ones:
 * IAM user extras, RBAC reason, a quarter with a requestObject) → validated, annotated Events serialized as the
 * sink sends them. One operation = one event. Run:
 * {@code java -cp <test classpath> org.openjdk.jmh.Main TranslateBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TranslateBench {
    static final int EVENTS = 1000;

    private final EksAuditTranslator translator = new EksAuditTranslator("prod-eks-01");
    private List<SourceRecord<CloudWatchLogEvent>> records;

    @Setup
    public void setUp() {
        records = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            String id = "3796000400000000000000000000000000000000000000000000" + String.format("%04d", i);
            records.add(new SourceRecord<>("/aws/eks/prod-eks-01/cluster", Long.toString(1796000400000L + i), id,
                    CloudWatchLogEvent.logEvent("kube-apiserver-audit-e503271cd443efdbd2050ae8ca0794eb", id,
                            1796000400000L + i, 1796000403000L + i, eventLine(i))));
        }
    }

    /** Translate and serialize: what {@code run} does per event before batching. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void translateAndSerialize(Blackhole bh) {
        for (SourceRecord<CloudWatchLogEvent> r : records) {
            Translation t = translator.translate(r);
            for (Event e : t.events()) {
                bh.consume(e.toJsonBytes());
            }
        }
    }

    /**
     * Reference on the same machine and data: Jackson reading the same lines into trees, nothing else. The
     * translator cannot beat it; its ratio to it says what the bridge adds.
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void jacksonReadTreeOnly(Blackhole bh) throws java.io.IOException {
        for (SourceRecord<CloudWatchLogEvent> r : records) {
            bh.consume(io.auditbridge.core.EventJson.MAPPER.readTree(r.payload().message().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    public static String eventLine(int i) {
        String auditId = UUID.nameUUIDFromBytes(("audit-" + i).getBytes()).toString();
        String ts = String.format("2026-11-30T01:%02d:%02d.%06dZ", (i / 60) % 60, i % 60, (i * 7919) % 1_000_000);
        String requestObject = i % 4 == 0
                ? ",\"requestObject\":{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web-" + i
                        + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
                        + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"public.ecr.aws/nginx/nginx:1.27\","
                        + "\"ports\":[{\"containerPort\":80}],\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}}]}}}}"
                : "";
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"" + (i % 4 == 0 ? "RequestResponse" : "Metadata")
                + "\",\"auditID\":\"" + auditId + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/apis/apps/v1/namespaces/default/deployments/web-" + i
                + "\",\"verb\":\"" + (i % 4 == 0 ? "update" : "get") + "\",\"user\":{\"username\":\"arn:aws:sts::111122223333:assumed-role/platform-deployer/session-" + i
                + "\",\"uid\":\"aws-iam-authenticator:111122223333:AROAEXAMPLEPRINCIPAL\",\"groups\":[\"system:authenticated\",\"platform:deployers\"],"
                + "\"extra\":{\"accessKeyId\":[\"ASIAEXAMPLEKEY" + i + "\"],\"arn\":[\"arn:aws:sts::111122223333:assumed-role/platform-deployer/session-" + i
                + "\"],\"canonicalArn\":[\"arn:aws:iam::111122223333:role/platform-deployer\"],\"principalId\":[\"AROAEXAMPLEPRINCIPAL\"],\"sessionName\":[\"session-" + i + "\"]}},"
                + "\"sourceIPs\":[\"10.0." + (i % 255) + ".17\"],\"userAgent\":\"argocd-application-controller/v2.13.1 (linux/amd64) kubernetes/$Format\","
                + "\"objectRef\":{\"resource\":\"deployments\",\"namespace\":\"default\",\"name\":\"web-" + i + "\",\"apiGroup\":\"apps\",\"apiVersion\":\"v1\"},"
                + "\"responseStatus\":{\"metadata\":{},\"code\":200}" + requestObject + ",\"requestReceivedTimestamp\":\"" + ts + "\",\"stageTimestamp\":\"" + ts + "\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"EKS Access Policy: allowed by ClusterRoleBinding "
                + "\\\"platform-deployers\\\" of ClusterRole \\\"edit\\\" to Group \\\"platform:deployers\\\"\",\"pod-security.kubernetes.io/enforce-policy\":\"restricted:latest\"}}";
    }
}
