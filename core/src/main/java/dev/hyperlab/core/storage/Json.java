package dev.hyperlab.core.storage;

/** Just enough JSON writing for the storage records, so core's storage needs no JSON library. */
final class Json {
    private Json() {}

    static StringBuilder string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"');
    }

    static StringBuilder field(StringBuilder b, String name, String value) {
        string(b, name).append(':');
        return string(b, value);
    }

    static StringBuilder field(StringBuilder b, String name, long value) {
        return string(b, name).append(':').append(value);
    }

    static StringBuilder field(StringBuilder b, String name, boolean value) {
        return string(b, name).append(':').append(value);
    }
}
