package io.auditbridge.launcher;

/** A Java 21 main class for the launcher test: prints its arguments, exits with the number of them. */
public final class HelloMain {
    public static void main(String[] args) {
        record Greeting(String text) {} // a Java 16+ construct: this class cannot load on an old Java
        System.out.println(new Greeting("hello " + String.join(" ", args)).text());
        System.exit(args.length);
    }
}
