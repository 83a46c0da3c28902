package io.auditbridge.eks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;

/**
 * An EKS audit log stream of {@code count} events spread evenly over {@code [start, start + span)}, served by
 * FilterLogEvents as CloudWatch Logs documents it (both time bounds inclusive, results in timestamp order, at most
 * {@code limit} events per page, default and maximum 10,000, a {@code nextToken} while more match) and made as
 * they are asked for: nothing is held, so a day of millions of events costs no memory here. For the EKS memory
 * tests, where moto would take hours for millions of events.
 */
final class GeneratedCloudWatchLogs implements CloudWatchLogsClient {
    static final int MAX_PAGE = 10_000;

    private final String logGroup;
    private final String stream;
    private final long start;
    private final long span;
    private final long count;
    final AtomicLong requests = new AtomicLong();

    GeneratedCloudWatchLogs(String logGroup, String stream, long start, long span, long count) {
        this.logGroup = logGroup;
        this.stream = stream;
        this.start = start;
        this.span = span;
        this.count = count;
    }

    /** Event {@code i}'s timestamp: several share a millisecond once there are more events than milliseconds. */
    long timestamp(long i) {
        return start + Math.floorDiv(i * span, count);
    }

    /** The first event whose timestamp is at or after {@code t}. */
    private long firstAtOrAfter(long t) {
        if (t <= start) {
            return 0;
        }
        long i = Math.min(count, ceilDiv((t - start) * count, span));
        return i;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    static String eventId(long i) {
        // CloudWatch eventIds are 56 decimal digits.
        return String.format("%056d", i);
    }

    static String auditId(long i) {
        return String.format("%08x-0000-4000-8000-%012x", i >>> 16, i);
    }

    @Override
    public FilterLogEventsResponse filterLogEvents(FilterLogEventsRequest request) {
        requests.incrementAndGet();
        if (!logGroup.equals(request.logGroupName())) {
            throw InvalidParameterException.builder().message("unknown log group " + request.logGroupName()).build();
        }
        if (request.logStreamNamePrefix() != null && !stream.startsWith(request.logStreamNamePrefix())) {
            return FilterLogEventsResponse.builder().events(List.of()).build();
        }
        long from = firstAtOrAfter(request.startTime() == null ? start : request.startTime());
        long to = request.endTime() == null ? count : firstAtOrAfter(request.endTime() + 1); // endTime inclusive
        if (request.nextToken() != null) {
            from = Long.parseLong(request.nextToken().substring("page-".length()));
        }
        int limit = request.limit() == null ? MAX_PAGE : Math.min(MAX_PAGE, request.limit());
        long end = Math.min(to, from + limit);
        List<FilteredLogEvent> events = new ArrayList<>((int) Math.max(0, end - from));
        for (long i = from; i < end; i++) {
            long ts = timestamp(i);
            events.add(FilteredLogEvent.builder().logStreamName(stream).timestamp(ts).ingestionTime(ts + 900)
                    .eventId(eventId(i)).message(message(i, ts)).build());
        }
        FilterLogEventsResponse.Builder page = FilterLogEventsResponse.builder().events(events);
        if (end < to) {
            page.nextToken("page-" + end);
        }
        return page.build();
    }

    /** One kube-apiserver audit Event as EKS writes it to the log stream (about 700 bytes). */
    static String message(long i, long ts) {
        String at = java.time.Instant.ofEpochMilli(ts).toString();
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + auditId(i)
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/team-" + (i % 50) + "/pods/web-" + i
                + "\",\"verb\":\"get\",\"user\":{\"username\":\"system:serviceaccount:team-" + (i % 50) + ":deployer\","
                + "\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"]},\"sourceIPs\":[\"10.0." + (i % 250)
                + ".7\"],\"userAgent\":\"kubectl/v1.31.0 (linux/amd64)\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"team-"
                + (i % 50) + "\",\"name\":\"web-" + i + "\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200},"
                + "\"requestReceivedTimestamp\":\"" + at + "\",\"stageTimestamp\":\"" + at + "\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}}";
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {}
}
