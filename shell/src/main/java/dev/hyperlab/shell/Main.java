package dev.hyperlab.shell;

/** Entry point of the hyperlab shell. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("hyperlab 0.1.0-SNAPSHOT");
    }
}
