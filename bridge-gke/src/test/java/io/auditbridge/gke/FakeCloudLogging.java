package io.auditbridge.gke;

import com.google.cloud.audit.AuditLog;
import com.google.cloud.audit.AuthenticationInfo;
import com.google.cloud.audit.RequestMetadata;
import com.google.api.MonitoredResource;
import com.google.logging.v2.ListLogEntriesRequest;
import com.google.logging.v2.ListLogEntriesResponse;
import com.google.logging.v2.LogEntry;
import com.google.logging.v2.LogEntryOperation;
import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback Cloud Logging that implements {@code google.logging.v2.LoggingServiceV2/ListLogEntries} over
 * real gRPC (Netty, plaintext) with a hand-built MethodDescriptor: it honours the filter's timestamp bounds,
 * orders by (timestamp, insertId) as the service documents, pages with page tokens, records every request,
 * and fails the next calls with scripted statuses. Entries become visible when {@link #ingest} is called,
 * so tests can model late ingestion.
 */
final class FakeCloudLogging implements AutoCloseable {
    private static final Pattern FROM = Pattern.compile("timestamp>=\"([^\"]+)\"");
    /** {@code timestamp<="…"} (included) or {@code timestamp<"…"} (excluded, a backfill's until). */
    private static final Pattern TO = Pattern.compile("timestamp<(=?)\"([^\"]+)\"");

    static final MethodDescriptor<ListLogEntriesRequest, ListLogEntriesResponse> LIST =
            MethodDescriptor.<ListLogEntriesRequest, ListLogEntriesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("google.logging.v2.LoggingServiceV2/ListLogEntries")
                    .setRequestMarshaller(ProtoUtils.marshaller(ListLogEntriesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(ListLogEntriesResponse.getDefaultInstance()))
                    .build();

    private final List<LogEntry> stored = new ArrayList<>();
    private final List<ListLogEntriesRequest> requests = new ArrayList<>();
    private final Queue<Status> failures = new ArrayDeque<>();
    private final Server server;

    FakeCloudLogging() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder("google.logging.v2.LoggingServiceV2")
                .addMethod(LIST, ServerCalls.asyncUnaryCall((req, obs) -> {
                    Status failure;
                    ListLogEntriesResponse resp = null;
                    synchronized (this) {
                        requests.add(req);
                        failure = failures.poll();
                        if (failure == null) {
                            resp = answer(req);
                        }
                    }
                    if (failure != null) {
                        obs.onError(failure.asRuntimeException());
                    } else {
                        obs.onNext(resp);
                        obs.onCompleted();
                    }
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    }

    int port() {
        return server.getPort();
    }

    String endpoint() {
        return "127.0.0.1:" + port();
    }

    /** Makes entries visible to later requests. */
    synchronized void ingest(LogEntry... entries) {
        stored.addAll(List.of(entries));
    }

    /** The next {@code n} requests fail with {@code status}. */
    synchronized void failNext(int n, Status status) {
        for (int i = 0; i < n; i++) {
            failures.add(status);
        }
    }

    synchronized List<ListLogEntriesRequest> requests() {
        return List.copyOf(requests);
    }

    private ListLogEntriesResponse answer(ListLogEntriesRequest req) {
        Instant from = Instant.parse(bound(FROM, req.getFilter()).group(1));
        Matcher upper = bound(TO, req.getFilter());
        Instant to = Instant.parse(upper.group(2));
        boolean toIncluded = !upper.group(1).isEmpty();
        List<LogEntry> matching = stored.stream()
                .filter(e -> !ts(e).isBefore(from) && (toIncluded ? !ts(e).isAfter(to) : ts(e).isBefore(to)))
                .sorted(Comparator.comparing(FakeCloudLogging::ts).thenComparing(LogEntry::getInsertId))
                .toList();
        int offset = req.getPageToken().isEmpty() ? 0 : Integer.parseInt(req.getPageToken().substring("page-".length()));
        int size = req.getPageSize() == 0 ? 50 : req.getPageSize();
        int end = Math.min(matching.size(), offset + size);
        ListLogEntriesResponse.Builder b = ListLogEntriesResponse.newBuilder().addAllEntries(matching.subList(Math.min(offset, end), end));
        if (end < matching.size()) {
            b.setNextPageToken("page-" + end);
        }
        return b.build();
    }

    private static Matcher bound(Pattern p, String filter) {
        Matcher m = p.matcher(filter);
        if (!m.find()) {
            throw Status.INVALID_ARGUMENT.withDescription("filter without timestamp bound").asRuntimeException();
        }
        return m;
    }

    static Instant ts(LogEntry e) {
        return Instant.ofEpochSecond(e.getTimestamp().getSeconds(), e.getTimestamp().getNanos());
    }

    /** A GKE audit entry (a pod get in namespace default) with this insertId and timestamp. */
    static LogEntry auditEntry(String insertId, Instant ts) {
        AuditLog audit = AuditLog.newBuilder()
                .setServiceName("k8s.io")
                .setMethodName("io.k8s.core.v1.configmaps.update")
                .setResourceName("core/v1/namespaces/default/configmaps/cm-" + insertId)
                .setAuthenticationInfo(AuthenticationInfo.newBuilder().setPrincipalEmail("alice@example.com"))
                .setRequestMetadata(RequestMetadata.newBuilder().setCallerIp("203.0.113.7"))
                .build();
        return LogEntry.newBuilder()
                .setLogName("projects/demo-project/logs/cloudaudit.googleapis.com%2Factivity")
                .setResource(MonitoredResource.newBuilder().setType("k8s_cluster")
                        .putLabels("cluster_name", "prod-1").putLabels("location", "europe-west1").putLabels("project_id", "demo-project"))
                .setInsertId(insertId)
                .setTimestamp(Timestamp.newBuilder().setSeconds(ts.getEpochSecond()).setNanos(ts.getNano()))
                .setOperation(LogEntryOperation.newBuilder().setId(insertId).setProducer("k8s.io").setFirst(true).setLast(true))
                .putLabels("authorization.k8s.io/decision", "allow")
                .setProtoPayload(Any.pack(audit))
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination();
    }
}
