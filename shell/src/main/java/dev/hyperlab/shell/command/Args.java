package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import java.time.Duration;
import java.util.function.Function;

/**
 * Reads option values with the facade's parsers ({@link Sizes}, {@link Durations}, the state ids), naming the
 * option in the error: {@code --ram: '12XB' has an unknown size unit 'XB' (use B, KiB, ...)}.
 */
public final class Args {
    private Args() {}

    public static long size(String option, String text) {
        return parse(option, text, Sizes::parse);
    }

    public static Duration duration(String option, String text) {
        return parse(option, text, Durations::parse);
    }

    /** A switch: on, true or yes; off, false or no. */
    public static boolean onOff(String option, String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw LabException.invalid(option + ": '" + text + "' is neither on nor off", "on or off");
        };
    }

    /** Any facade parser ({@code VmState::of}, {@code HypervisorType::of}, ...). */
    public static <T> T parse(String option, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (LabException e) {
            throw new LabException(e.kind(), option + ": " + e.what(), e.hint(), e);
        }
    }
}
