package io.auditbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cloud-side IaC checked by the tools that own the formats, where they are on the machine (skipped
 * otherwise): terraform fmt -check on every module, terraform init against the local provider mirror plus
 * terraform validate on every module whose providers the mirror holds, and cfn-lint on the SAM template.
 */
class IacToolsTest {
    static final Path DEPLOY = HelmChart.DEPLOY;
    /** Every directory under deploy/ holding .tf files: a module added later is checked without being listed. */
    static Stream<String> modules() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(p -> p.toString().endsWith(".tf") && !p.toString().contains("/target/") && !p.toString().contains("/.terraform/"))
                    .map(p -> DEPLOY.relativize(p.getParent()).toString()).distinct().sorted().toList().stream();
        }
    }
    private static final Pattern PROVIDER = Pattern.compile("source\\s*=\\s*\"hashicorp/([a-z0-9]+)\"");

    record Result(int code, String output) {}

    static Optional<Path> onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A filesystem mirror of providers (this image: /opt/tf-plugins); AUDITBRIDGE_TF_PLUGINS overrides. */
    static Optional<Path> pluginMirror() {
        String configured = System.getenv("AUDITBRIDGE_TF_PLUGINS");
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        candidates.addAll(List.of(Path.of("/opt/tf-plugins"), Path.of("/usr/local/share/tf-plugins"),
                Path.of(System.getProperty("user.home"), "tf-plugins"), Path.of(System.getProperty("user.home"), ".terraform.d/plugins")));
        return candidates.stream().filter(p -> Files.isDirectory(p.resolve("registry.terraform.io/hashicorp"))).findFirst();
    }

    static Result run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("modules")
    void terraformFilesAreCanonicallyFormatted(String module, @TempDir Path home) throws Exception {
        Path terraform = onPath("terraform").orElse(null);
        assumeTrue(terraform != null, "terraform is not on PATH");
        Result r = run(DEPLOY.resolve(module), cliConfig(home, null), terraform.toString(), "fmt", "-check", "-diff", "-no-color");
        assertThat(r.code()).as(module + ": terraform fmt -check\n" + r.output()).isZero();
    }

    @Test
    void theAwsModulesAreAmongTheModulesFound() throws IOException {
        assertThat(modules().toList()).contains("cloud/eks", "cloud/eks-firehose", "cloud/gke", "cloud/aks", "serverless/gke-function");
    }

    @ParameterizedTest
    @MethodSource("modules")
    void terraformValidatePassesWhereTheMirrorHoldsTheProviders(String module, @TempDir Path work) throws Exception {
        Path terraform = onPath("terraform").orElse(null);
        assumeTrue(terraform != null, "terraform is not on PATH");
        Path mirror = pluginMirror().orElse(null);
        assumeTrue(mirror != null, "no tf-plugins filesystem mirror");
        Path source = DEPLOY.resolve(module);
        List<Path> tfFiles;
        try (Stream<Path> files = Files.list(source)) {
            tfFiles = files.filter(p -> p.toString().endsWith(".tf")).toList();
        }
        String tf = tfFiles.stream().map(HelmChart::read).collect(java.util.stream.Collectors.joining("\n"));
        List<String> providers = PROVIDER.matcher(tf).results().map(m -> m.group(1)).toList();
        assertThat(providers).as(module + " declares its providers").isNotEmpty();
        for (String provider : providers) {
            assumeTrue(Files.isDirectory(mirror.resolve("registry.terraform.io/hashicorp").resolve(provider)),
                    "the mirror has no hashicorp/" + provider + " for " + module);
        }
        Path copy = Files.createDirectories(work.resolve("module"));
        for (Path f : tfFiles) {
            Files.copy(f, copy.resolve(f.getFileName().toString()));
        }
        Map<String, String> env = cliConfig(work, mirror);
        Result init = run(copy, env, terraform.toString(), "init", "-backend=false", "-input=false", "-no-color");
        assertThat(init.code()).as(module + ": terraform init from " + mirror + "\n" + init.output()).isZero();
        Result validate = run(copy, env, terraform.toString(), "validate", "-no-color");
        assertThat(validate.code()).as(module + ": terraform validate\n" + validate.output()).isZero();
        assertThat(validate.output()).contains("The configuration is valid");
    }

    /** A CLI config of our own: only the mirror (never the network), and no user settings leaking in. */
    private static Map<String, String> cliConfig(Path dir, Path mirror) throws IOException {
        Path rc = dir.resolve("terraformrc");
        Files.writeString(rc, mirror == null ? "" : """
                provider_installation {
                  filesystem_mirror {
                    path    = "%s"
                    include = ["registry.terraform.io/hashicorp/*"]
                  }
                }
                """.formatted(mirror.toString().replace("\\", "/")));
        Map<String, String> env = new HashMap<>();
        env.put("TF_CLI_CONFIG_FILE", rc.toString());
        env.put("TF_IN_AUTOMATION", "1");
        env.put("CHECKPOINT_DISABLE", "1");
        env.put("TF_DATA_DIR", dir.resolve(".terraform").toString());
        return env;
    }

    @Test
    void samTemplatePassesCfnLint() throws Exception {
        Path cfnLint = onPath("cfn-lint").orElse(null);
        assumeTrue(cfnLint != null, "cfn-lint is not on PATH");
        Result version = run(DEPLOY, Map.of(), cfnLint.toString(), "--version");
        assumeTrue(version.code() == 0, "cfn-lint on PATH does not run here: " + version.output());
        Result r = run(DEPLOY, Map.of(), cfnLint.toString(), "--format", "parseable", "serverless/eks-lambda/template.yaml");
        assertThat(r.code()).as("cfn-lint serverless/eks-lambda/template.yaml\n" + r.output()).isZero();
        assertThat(Set.of(r.output().strip())).as("no findings").containsExactly("");
    }
}
