package io.auditbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The cloud-side setup and serverless packaging, checked without cloud access or a terraform binary: the
 * SAM template as YAML (every reference resolves, the subscription filter targets the function on the
 * cluster's log group), Terraform files for declared variables, resolvable references and the resources
 * each cloud needs, and every AUDITBRIDGE_* variable against the real options.
 */
class CloudSetupTest {
    static final Path DEPLOY = HelmChart.DEPLOY;
    private static final Pattern RESOURCE = Pattern.compile("(?m)^(resource|data) \"([a-z0-9_]+)\" \"([a-z0-9_]+)\"");
    private static final Pattern REFERENCE = Pattern.compile("(?<![\\w.\"])(data\\.)?(google|aws|azurerm)_([a-z0-9_]+)\\.([a-z0-9_]+)\\b");
    private static final Pattern VARIABLE_USE = Pattern.compile("\\bvar\\.([a-z0-9_]+)");
    private static final Pattern VARIABLE_DECL = Pattern.compile("(?m)^variable \"([a-z0-9_]+)\"");
    private static final Pattern ENV_NAME = Pattern.compile("\\bAUDITBRIDGE_[A-Z0-9_]+");

    @ParameterizedTest
    @CsvSource({
            "cloud/gke/main.tf, gke-poller, google_project_iam_member google_service_account_iam_member google_service_account",
            "cloud/eks/main.tf, eks-poller, aws_iam_policy aws_iam_role aws_iam_role_policy_attachment",
            "cloud/aks/main.tf, aks, azurerm_monitor_diagnostic_setting azurerm_eventhub azurerm_eventhub_consumer_group azurerm_storage_container azurerm_federated_identity_credential azurerm_role_assignment",
            "cloud/eks-firehose/main.tf, eks-firehose, aws_kinesis_firehose_delivery_stream aws_cloudwatch_log_subscription_filter aws_iam_role aws_iam_role_policy aws_s3_bucket",
            "cloud/gke-pubsub/main.tf, gke-pubsub, google_logging_project_sink google_pubsub_topic google_pubsub_topic_iam_member google_pubsub_subscription google_pubsub_subscription_iam_member google_service_account google_service_account_iam_member",
            "serverless/gke-function/main.tf, gke-poller, google_logging_project_sink google_pubsub_topic google_pubsub_topic_iam_member google_cloudfunctions2_function google_secret_manager_secret"})
    void terraformIsWellFormedAndDeclaresWhatTheCloudNeeds(String file, String bridge, String requiredTypes) {
        String tf = HelmChart.read(DEPLOY.resolve(file));
        assertBalanced(tf, file);
        Set<String> declared = new HashSet<>();
        Set<String> types = new HashSet<>();
        Matcher m = RESOURCE.matcher(tf);
        while (m.find()) {
            String id = (m.group(1).equals("data") ? "data." : "") + m.group(2) + "." + m.group(3);
            assertThat(declared.add(id)).as(file + ": " + id + " declared once").isTrue();
            types.add(m.group(2));
        }
        assertThat(types).as(file + " resource types").containsAll(List.of(requiredTypes.split(" ")));
        Matcher ref = REFERENCE.matcher(tf.replaceAll("(?m)^\\s*#.*$", ""));
        while (ref.find()) {
            String id = (ref.group(1) != null ? "data." : "") + ref.group(2) + "_" + ref.group(3) + "." + ref.group(4);
            assertThat(declared).as(file + ": reference " + id + " resolves").contains(id);
        }
        Set<String> variables = new HashSet<>();
        VARIABLE_DECL.matcher(tf).results().forEach(r -> variables.add(r.group(1)));
        VARIABLE_USE.matcher(tf).results().forEach(r -> assertThat(variables).as(file + ": var." + r.group(1) + " declared").contains(r.group(1)));
        assertRealOptions(tf, bridge, file);
        if (file.contains("gke-function")) {
            assertThat(tf).contains("k8s_cluster").contains("k8s.io");
        }
        if (file.equals("cloud/gke-pubsub/main.tf")) {
            // Sink filter, subscription settings the subscriber relies on, and least-privilege IAM (issue 16).
            assertThat(tf).contains("resource.type=\\\"k8s_cluster\\\"").contains("protoPayload.serviceName=\\\"k8s.io\\\"")
                    .contains("cloudaudit.googleapis.com/activity").contains("cloudaudit.googleapis.com/data_access").contains("ack_deadline_seconds").contains("message_retention_duration")
                    .contains("retry_policy").contains("dead_letter_policy").contains("max_delivery_attempts")
                    .contains("writer_identity").contains("roles/pubsub.publisher").contains("roles/pubsub.subscriber")
                    .contains("gcp-sa-pubsub.iam.gserviceaccount.com").contains(".svc.id.goog[");
        }
        if (file.equals("cloud/gke/main.tf")) {
            assertThat(tf).contains("roles/logging.viewer").contains(".svc.id.goog[");
        }
        if (file.equals("cloud/eks/main.tf")) {
            assertThat(tf).contains("logs:FilterLogEvents").contains("/aws/eks/${var.cluster_name}/cluster")
                    .contains("system:serviceaccount:${var.k8s_namespace}:${var.k8s_service_account}");
        }
        if (file.equals("cloud/eks-firehose/main.tf")) {
            assertThat(tf).contains("log_group_name  = local.log_group").contains("\"/aws/eks/${var.cluster_name}/cluster\"")
                    .contains("s3_backup_mode     = \"FailedDataOnly\"").contains("firehose:PutRecordBatch");
        }
        if (file.equals("cloud/aks/main.tf")) {
            assertThat(tf).contains("\"kube-audit\"").contains("\"kube-audit-admin\"")
                    .contains("Azure Event Hubs Data Receiver").contains("Storage Blob Data Contributor")
                    .contains("system:serviceaccount:${var.k8s_namespace}:${var.k8s_service_account}");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void samTemplateSubscribesTheFunctionToTheClustersLogGroupAndResolvesEveryReference() {
        Path file = DEPLOY.resolve("serverless/eks-lambda/template.yaml");
        String text = HelmChart.read(file);
        Map<String, Object> t = Serialization.unmarshal(text, Map.class);
        assertThat(t).containsEntry("Transform", "AWS::Serverless-2016-10-31");
        Map<String, Object> params = (Map<String, Object>) t.get("Parameters");
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) t.get("Resources");
        Set<String> names = new HashSet<>(params.keySet());
        names.addAll(resources.keySet());
        resources.keySet().forEach(r -> names.add(r + ".Alias"));

        Map<String, Object> fn = resources.get("BridgeFunction");
        assertThat(fn.get("Type")).isEqualTo("AWS::Serverless::Function");
        Map<String, Object> fnProps = (Map<String, Object>) fn.get("Properties");
        assertThat(fnProps.get("Runtime")).isEqualTo("java21");
        Map<String, Object> filter = resources.get("AuditSubscriptionFilter");
        assertThat(filter.get("Type")).isEqualTo("AWS::Logs::SubscriptionFilter");
        assertThat(filter.get("DependsOn")).as("the permission exists before CloudWatch Logs tests the destination").isEqualTo("LogsInvokePermission");
        Map<String, Object> filterProps = (Map<String, Object>) filter.get("Properties");
        assertThat(((Map<String, Object>) filterProps.get("LogGroupName")).get("Fn::Sub")).isEqualTo("/aws/eks/${ClusterName}/cluster");
        assertThat(((Map<String, Object>) filterProps.get("DestinationArn")).get("Ref")).isEqualTo("BridgeFunction.Alias");
        Map<String, Object> permission = (Map<String, Object>) resources.get("LogsInvokePermission").get("Properties");
        assertThat(permission.get("Principal")).isEqualTo("logs.amazonaws.com");
        assertThat(((Map<String, Object>) fnProps.get("EventInvokeConfig")).get("DestinationConfig")).as("failed batches kept").isNotNull();

        Matcher refs = Pattern.compile("Ref: ([A-Za-z.]+)|Fn::GetAtt: \\[([A-Za-z]+),").matcher(text);
        while (refs.find()) {
            String target = refs.group(1) != null ? refs.group(1) : refs.group(2);
            assertThat(names).as("Ref " + target + " resolves").contains(target);
        }
        Matcher subs = Pattern.compile("\\$\\{([A-Za-z:.]+)}").matcher(text);
        while (subs.find()) {
            String v = subs.group(1);
            assertThat(v.startsWith("AWS::") || names.contains(v)).as("${" + v + "} resolves").isTrue();
        }
        assertRealOptions(text, "eks-poller", file.toString());
        assertThat(text).contains("AUDITBRIDGE_SINK_TOKEN").contains("resolve:secretsmanager");
    }

    private static void assertRealOptions(String text, String bridge, String what) {
        Set<String> known = ManifestsTest.envNames(bridge);
        known.add("AUDITBRIDGE_SINK_TOKEN");     // --sink-token: hidden option, set from a secret store
        ENV_NAME.matcher(text).results().map(java.util.regex.MatchResult::group).forEach(n ->
                assertThat(known).as(what + ": " + n + " is the variable of a real option").contains(n));
    }

    private static void assertBalanced(String text, String what) {
        int depth = 0;
        boolean inString = false;
        for (String line : text.split("\n")) {
            if (line.stripLeading().startsWith("#")) {
                continue;
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\' && inString) {
                    i++;
                } else if (c == '"') {
                    inString = !inString;
                } else if (!inString && (c == '{' || c == '[')) {
                    depth++;
                } else if (!inString && (c == '}' || c == ']')) {
                    depth--;
                    assertThat(depth).as(what + ": unbalanced close in: " + line).isGreaterThanOrEqualTo(0);
                }
            }
            assertThat(inString).as(what + ": unterminated string in: " + line).isFalse();
        }
        assertThat(depth).as(what + ": braces balanced").isZero();
    }
}
