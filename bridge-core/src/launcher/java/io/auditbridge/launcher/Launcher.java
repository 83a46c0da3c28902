package io.auditbridge.launcher;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The runnable jars' Main-Class. Compiled for Java 8 (a separate compiler execution in bridge-core's pom) so that
 * an older Java can load it and say in one line which Java is needed, instead of failing with
 * UnsupportedClassVersionError on the first auditbridge class. On Java 21 or newer it calls the jar's real main
 * class, named by the manifest attribute {@value #MAIN_ATTRIBUTE}, with the same arguments.
 */
public final class Launcher {
    /** Exit code when this Java cannot run auditbridge (a configuration problem of the host). */
    static final int EXIT_WRONG_JAVA = 2;
    static final int REQUIRED = 21;
    static final String MAIN_ATTRIBUTE = "Auditbridge-Main-Class";

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        int feature = feature(System.getProperty("java.specification.version"));
        if (feature < REQUIRED) {
            System.err.println("error: auditbridge needs Java " + REQUIRED + " or newer; this is Java "
                    + System.getProperty("java.version") + " at " + System.getProperty("java.home")
                    + ". Run it with a Java " + REQUIRED + "+ runtime (e.g. JAVA_HOME=<a JDK 21+> $JAVA_HOME/bin/java -jar ...), or use the container image.");
            System.exit(EXIT_WRONG_JAVA);
            return;
        }
        String main = mainClass();
        if (main == null) {
            System.err.println("error: this jar's manifest names no " + MAIN_ATTRIBUTE);
            System.exit(EXIT_WRONG_JAVA);
            return;
        }
        Method m = Class.forName(main).getMethod("main", String[].class);
        try {
            m.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** "1.8" → 8, "17" → 17, "21" → 21; unparsable → 0. */
    static int feature(String specificationVersion) {
        if (specificationVersion == null) {
            return 0;
        }
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String mainClass() throws IOException {
        URL location = Launcher.class.getProtectionDomain().getCodeSource().getLocation();
        File jar;
        try {
            jar = new File(location.toURI());
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        if (!jar.isFile()) {
            return null;
        }
        JarFile file = new JarFile(jar);
        try {
            Manifest manifest = file.getManifest();
            return manifest == null ? null : manifest.getMainAttributes().getValue(new Attributes.Name(MAIN_ATTRIBUTE));
        } finally {
            file.close();
        }
    }
}
