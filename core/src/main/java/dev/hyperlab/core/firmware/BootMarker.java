package dev.hyperlab.core.firmware;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How a hyperlab boot loader says what it loads. Real boot loaders know their OS from their own configuration; ours
 * carry a short ASCII tag inside their bytes ({@code HYPERLAB-BOOT os=linux-server;}), written when an image or a
 * host's disk is laid down and read back after the firmware has found the loader. A loader without the tag is a
 * foreign one (an image made elsewhere).
 */
public final class BootMarker {
    private static final String PREFIX = "HYPERLAB-BOOT ";
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);

    private BootMarker() {}

    /** The tag for {@code what} ({@code os=linux-server}, {@code hypervisor=type1}, ...), as bytes to embed. */
    public static byte[] tag(String what) {
        return (PREFIX + what + ";").getBytes(StandardCharsets.US_ASCII);
    }

    /** The tagged text found in {@code loader}, without prefix and terminator. */
    public static Optional<String> read(byte[] loader) {
        byte[] p = PREFIX_BYTES;
        outer:
        for (int i = 0; i + p.length < loader.length; i++) {
            if (loader[i] != p[0]) {
                continue;
            }
            for (int j = 1; j < p.length; j++) {
                if (loader[i + j] != p[j]) {
                    continue outer;
                }
            }
            int start = i + p.length;
            for (int k = start; k < loader.length && k < start + 200; k++) {
                if (loader[k] == ';') {
                    return Optional.of(new String(loader, start, k - start, StandardCharsets.US_ASCII));
                }
            }
        }
        return Optional.empty();
    }
}
