package io.auditbridge.detector.fields;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.rules.RulesLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Field values as the k8saudit / json plugins extract them, read back through an alert's output_fields. */
class FieldExtractionTest {
    private static final Event RICH = TestEvents.event("""
            {"verb": "create", "sourceIPs": ["10.0.0.1", "10.0.0.2"], "impersonatedUser": {"username": "bob"},
             "requestURI": "/api/v1/namespaces/default/pods?dryRun=All&fieldManager=kubectl+client",
             "objectRef": {"name": null},
             "responseObject": {"metadata": {"name": "web-1"}},
             "annotations": {"pod-security.kubernetes.io/audit-violations": "privileged", "cluster_name": "prod-1"},
             "requestObject": {"kind": "Pod", "roleRef": {"name": "edit"},
               "subjects": [{"kind": "User", "name": "ann"}, {"kind": "Group", "name": "devs"},
                            {"kind": "ServiceAccount", "name": "ci", "namespace": "build"}],
               "rules": [{"verbs": ["get", "list"], "resources": ["pods"]}, {"verbs": ["*"], "nonResourceURLs": ["/metrics"]}],
               "spec": {"securityContext": {"runAsUser": 1000},
                 "volumes": [{"name": "a", "hostPath": {"path": "/etc"}}, {"name": "b", "emptyDir": {}}],
                 "containers": [
                   {"name": "x", "image": "registry:5000/team/app:1.2", "command": ["sh", "-c"], "args": ["sleep", "60"],
                    "ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 443}],
                    "securityContext": {"runAsUser": 0, "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}, "readOnlyRootFilesystem": true}},
                   {"name": "y", "image": "quay.io/org/tool@sha256:abc"}],
                 "initContainers": [{"name": "i", "image": "busybox", "securityContext": {"privileged": true}}]}}}
            """);

    private static Map<String, Object> fields(Event e, String output) {
        String yaml = "- rule: r\n  desc: d\n  condition: jevt.rawtime exists\n  output: \"" + output + "\"\n  priority: DEBUG\n  source: k8s_audit\n";
        Alert a = new Detector(new RulesLoader().load("f.yaml", yaml).build(), "h", Detector.GapListener.NONE).evaluate(e).get(0);
        return a.outputFields();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', nullValues = "NA", value = {
            "ka.sourceips | (10.0.0.1,10.0.0.2)", "ka.impuser.name | bob", "ka.uri.param[fieldManager] | kubectl client",
            "ka.uri.param[dryRun] | All", "ka.target.name | NA", "ka.target.pod.name | web-1", "ka.resp.name | web-1",
            "ka.security.pod.violations | privileged", "ka.cluster.name | prod-1", "ka.auth.openshift.username | NA",
            "ka.req.binding.role | edit", "ka.req.binding.subjects.user_names | (ann)", "ka.req.binding.subjects.group_names | (devs)",
            "ka.req.binding.subjects.serviceaccount_names | (ci)", "ka.req.binding.subjects.serviceaccount_ns_names | (build:ci)",
            "ka.req.binding.subject.has_name[devs] | true", "ka.req.role.rules.verbs | (get,list,*)",
            "ka.req.role.rules.resources | (pods)", "ka.req.role.rules.nonResourceURLs | (/metrics)",
            "ka.req.pod.volumes.hostpath | (/etc)", "ka.req.pod.volumes.volume_type | (hostPath,emptyDir)",
            "ka.req.volume.hostpath[/etc] | true",
            "ka.req.pod.containers.image | (registry:5000/team/app:1.2,quay.io/org/tool@sha256:abc)",
            "ka.req.pod.containers.image.repository | (registry,quay.io/org/tool)",
            "ka.req.pod.containers.image[1] | quay.io/org/tool@sha256:abc", "ka.req.pod.containers.image[2] | NA",
            "ka.req.container.image | registry:5000/team/app:1.2", "ka.req.container.privileged | false",
            "ka.req.pod.initContainers.privileged | (true)", "ka.req.pod.containers.privileged | NA",
            "ka.req.pod.containers.command | (sh -c)", "ka.req.pod.containers.args | (sleep 60)",
            "ka.req.pod.containers.host_port | (8080,443)", "ka.req.pod.containers.add_capabilities | (NET_ADMIN,SYS_TIME)",
            "ka.req.pod.containers.read_only_fs | (true)", "ka.req.pod.containers.run_as_user | (0)",
            "ka.req.pod.containers.eff_run_as_user | (0,1000)", "ka.req.pod.run_as_user | 1000",
            "ka.req.pod.host_network | NA", "jevt.value[/requestObject/spec/volumes/1] | {\"name\":\"b\",\"emptyDir\":{}}",
            "jevt.time.iso8601 | 2026-11-30T01:00:00.123456000Z", "jevt.time | 01:00:00.123456000",
            "jevt.rawtime | 1796000400123456000"})
    void extracts(String field, String expected) {
        assertThat(fields(RICH, "%" + field)).containsEntry(field, expected);
    }

    @Test
    void outputsNameMissingValuesNAAndKeepTheEventsIds() {
        Alert a = new Detector(new RulesLoader().load("f.yaml", """
                - rule: r
                  desc: d
                  condition: jevt.rawtime exists
                  output: >
                    user=%ka.user.name role=%ka.req.binding.role.
                    n=%ka.target.name
                  priority: info
                  source: k8s_audit
                  tags: [a, b]
                """).build(), "h", Detector.GapListener.NONE).evaluate(TestEvents.event("{\"objectRef\": {\"name\": null}}")).get(0);
        assertThat(a.output()).isEqualTo("01:00:00.123456000: Informational user=kubernetes-admin role=<NA>. n=<NA>");
        assertThat(a.outputFields()).containsKeys("evt.time", "ka.user.name", "ka.req.binding.role", "ka.target.name", "ka.auditid", "ka.stage");
        assertThat(a.tags()).containsExactly("a", "b");
    }
}
