package io.auditbridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jar laid out like the runnable ones (Main-Class the launcher, the real main named in the manifest) run by a real
 * {@code java -jar}: on this machine's default JDK 17 it must say which Java is needed; on the build's JDK it runs.
 */
class LauncherTest {
    static final Path JDK17_JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    @Test
    void theLauncherClassIsJava8Bytecode() throws IOException {
        byte[] c = Files.readAllBytes(classFile(Launcher.class));
        int major = ((c[6] & 0xff) << 8) | (c[7] & 0xff);
        assertThat(major).as("class file major version").isEqualTo(52);
    }

    @Test
    void anOldJavaGetsOneLineNamingTheJavaNeededAndExitCode2() throws Exception {
        assumeTrue(Files.isExecutable(JDK17_JAVA), "no JDK 17 at " + JDK17_JAVA);
        Run r = run(JDK17_JAVA, jar(), "a", "b");
        assertThat(r.exit()).isEqualTo(Launcher.EXIT_WRONG_JAVA);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("error: auditbridge needs Java 21 or newer; this is Java 17")
                .doesNotContain("UnsupportedClassVersionError");
    }

    @Test
    void onJava21OrNewerItRunsTheRealMainWithTheSameArguments() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Run r = run(java, jar(), "a", "b");
        assertThat(r.err()).isEmpty();
        assertThat(r.out().strip()).isEqualTo("hello a b");
        assertThat(r.exit()).isEqualTo(2);
    }

    @Test
    void featureVersionsOfOldAndNewJavas() {
        assertThat(Launcher.feature("1.8")).isEqualTo(8);
        assertThat(Launcher.feature("17")).isEqualTo(17);
        assertThat(Launcher.feature("21")).isEqualTo(21);
        assertThat(Launcher.feature("25.0.1")).isEqualTo(25);
        assertThat(Launcher.feature(null)).isZero();
    }

    private Path jar() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Launcher.class.getName());
        m.getMainAttributes().put(new Attributes.Name(Launcher.MAIN_ATTRIBUTE), HelloMain.class.getName());
        Path jar = dir.resolve("bridge-test.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            for (Class<?> c : List.of(Launcher.class, HelloMain.class)) {
                add(out, c);
            }
            for (Path nested : Files.list(classFile(HelloMain.class).getParent())
                    .filter(p -> p.getFileName().toString().startsWith("HelloMain$")).toList()) {
                out.putNextEntry(new JarEntry("io/auditbridge/launcher/" + nested.getFileName()));
                out.write(Files.readAllBytes(nested));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void add(JarOutputStream out, Class<?> c) throws IOException {
        out.putNextEntry(new JarEntry(c.getName().replace('.', '/') + ".class"));
        out.write(Files.readAllBytes(classFile(c)));
        out.closeEntry();
    }

    private static Path classFile(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(c.getName().replace('.', '/') + ".class");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Run run(Path java, Path jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            // no input
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("java -jar finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
