package io.auditbridge.eks;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClientBuilder;

/** Which log group to read and how to reach CloudWatch Logs, shared by {@code run} and {@code backfill}. */
@HelpGroup(HelpGroup.Section.SOURCE)
final class CloudWatchOptions {
    /** CloudWatch Logs' FilterLogEvents quota per account and region, shared by every caller there. */
    static final double ACCOUNT_QUOTA = 5.0;

    @Option(names = "--cluster", paramLabel = "NAME",
            description = "EKS cluster name: reads log group /aws/eks/NAME/cluster and adds the cluster_name annotation "
                    + "(subscription payloads from a group /aws/eks/<name>/cluster are labelled with that name instead). Env: AUDITBRIDGE_CLUSTER.")
    String cluster;

    @Option(names = "--log-group", paramLabel = "NAME",
            description = "Log group to read instead of /aws/eks/<cluster>/cluster. Env: AUDITBRIDGE_LOG_GROUP.")
    String logGroup;

    @Option(names = "--log-stream-prefix", paramLabel = "PREFIX", defaultValue = EksAuditTranslator.AUDIT_STREAM_PREFIX,
            description = "Only streams starting with this (default ${DEFAULT-VALUE}).")
    String streamPrefix;

    @Option(names = "--filter-pattern", paramLabel = "PATTERN",
            description = "CloudWatch Logs filter pattern applied server-side, e.g. '{ $.sourceIPs[0] != \"127.0.0.1\" }'. Env: AUDITBRIDGE_FILTER_PATTERN.")
    String filterPattern;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region; default from AWS_REGION / the SDK's region chain. Env: AUDITBRIDGE_REGION.")
    String region;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "CloudWatch Logs endpoint instead of the region's (a VPC endpoint DNS name, a test fake). Env: AUDITBRIDGE_ENDPOINT_URL.")
    String endpointUrl;

    @Option(names = "--max-requests-per-second", paramLabel = "N", defaultValue = "1",
            description = "FilterLogEvents requests per second at most; the account's 5/s quota is shared by every caller (default ${DEFAULT-VALUE}).")
    double requestsPerSecond;

    @Option(names = {"--api-call-timeout", "--aws-call-timeout"}, paramLabel = "DURATION", defaultValue = "30s", converter = io.auditbridge.core.cli.Durations.class,
            description = "Timeout of one FilterLogEvents call (default ${DEFAULT-VALUE}).")
    Duration callTimeout;

    /** The transport and retry settings every CloudWatch Logs client of the bridge uses (tests too). */
    static CloudWatchLogsClientBuilder configure(CloudWatchLogsClientBuilder b, Duration callTimeout) {
        return b.httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(callTimeout));
    }

    String logGroup() {
        if (logGroup != null && !logGroup.isBlank()) {
            return logGroup.trim();
        }
        if (cluster == null || cluster.isBlank()) {
            throw new ConfigException("--cluster", "required (or --log-group): the EKS cluster whose audit log to read");
        }
        return EksLogGroup.of(cluster.trim());
    }

    /**
     * The cluster_name annotation: {@code --cluster}, else the name in an EKS-shaped {@code --log-group}. Records
     * whose payload names their own log group (subscription payloads) take the cluster from it instead.
     */
    String clusterName() {
        if (cluster != null && !cluster.isBlank()) {
            return cluster.trim();
        }
        return logGroup == null ? null : EksLogGroup.clusterName(logGroup.trim());
    }

    void validateRate() {
        if (!(requestsPerSecond > 0) || requestsPerSecond > ACCOUNT_QUOTA) {
            throw new ConfigException("--max-requests-per-second", "must be > 0 and <= " + ACCOUNT_QUOTA
                    + " (the account's FilterLogEvents quota): " + requestsPerSecond);
        }
    }

    /**
     * The sync client on the Apache 5 HTTP client (no Netty), credentials from the SDK's default chain (IRSA
     * web identity, EKS Pod Identity, environment, profile), and no SDK retries: the runner backs off and
     * asks the same page again, so retries are counted and never burn the shared quota in a burst.
     */
    CloudWatchLogsClient client() {
        CloudWatchLogsClientBuilder b = configure(CloudWatchLogsClient.builder(), callTimeout)
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (region != null && !region.isBlank()) {
            b.region(Region.of(region.trim()));
        }
        if (endpointUrl != null && !endpointUrl.isBlank()) {
            try {
                URI uri = new URI(endpointUrl.trim());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new URISyntaxException(endpointUrl, "no scheme or host");
                }
                b.endpointOverride(uri);
            } catch (URISyntaxException e) {
                throw new ConfigException("--endpoint-url", "not a URL");
            }
        }
        try {
            return b.build();
        } catch (SdkClientException e) {
            throw new ConfigException("--region", "no region: set --region or AWS_REGION (" + e.getMessage() + ")");
        }
    }
}
