package dev.hyperlab.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostCalibration;
import dev.hyperlab.api.lab.LabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Host profiles as files: what one writes reads back the same; a hostile or broken file is refused in one line. */
public class HostProfileTest {
    @TempDir
    Path tmp;

    public static HostProfile sample() {
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("vmm/start", 0.5);
        phases.put("kernel", 3.25);
        return new HostProfile(2, 24L << 30, 2.4, "qemu 7.2.22 (tcg)", "tiny-linux", "bios",
                List.of(new HostProfile.Phase("vmm/start", 0.5, true), new HostProfile.Phase("kernel", 3.25, false)),
                List.of(new HostCalibration.Row(1, 3.75, 1.0, phases)));
    }

    @Test
    void whatIsWrittenReadsBackTheSame() {
        Path f = tmp.resolve("p.json");
        sample().write(f);
        assertThat(HostProfile.read(f)).isEqualTo(sample());
        assertThat(tmp.resolve("p.json.tmp")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"kind\" : \"hyperlab-host-profile\"|\"kind\" : \"other\"|it is not a host profile",
            "\"version\" : 1|\"version\" : 99|its version is 99",
            "\"cores\" : 2|\"cores\" : -2|host.cores is -2, not a whole number from 1 to 4096",
            "\"cores\" : 2|\"cores\" : 1e9|host.cores is 1.0E9",
            "\"seconds\" : 3.25|\"seconds\" : 1e308|solo[1].seconds is 1.0E308, not a number from 0.0 to 3600.0",
            "\"seconds\" : 3.25|\"seconds\" : -1|solo[1].seconds is -1",
            "\"name\" : \"kernel\"|\"name\" : \"../../etc\"|solo[1].name '../../etc' is not a phase name",
            "\"guest\" : \"tiny-linux\"|\"guest\" : \"beos\"|its guest 'beos' is no OS profile hyperlab knows",
            "\"firmware\" : \"bios\"|\"firmware\" : \"coreboot\"|its firmware 'coreboot' is neither bios nor uefi",
            "\"bound\" : \"cpu\"|\"bound\" : 7|solo[1].bound is not a string",
            "\"solo\" : [|\"solo\" : 5, \"x\" : [|solo is not a list",
    })
    void aBrokenFileIsRefusedInOneLine(String from, String to, String why) throws Exception {
        Path good = tmp.resolve("good.json");
        sample().write(good);
        String text = Files.readString(good);
        assertThat(text).contains(from);
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, text.replace(from, to));
        assertThatThrownBy(() -> HostProfile.read(bad)).isInstanceOfSatisfying(LabException.class, e -> {
            assertThat(e.kind()).isEqualTo(LabException.Kind.INVALID);
            assertThat(e.getMessage()).startsWith("host profile " + bad + " is not usable: ").contains(why)
                    .doesNotContain("\n");
        });
    }

    /** A 2-core machine's profile: solo boot 0.5 s QEMU start + 3.25 s kernel; 2 at once, the kernel 10 % longer. */
    public static HostProfile measuredTwoAtOnce() {
        Map<String, Double> one = new LinkedHashMap<>();
        one.put("vmm/start", 0.5);
        one.put("kernel", 3.25);
        Map<String, Double> two = new LinkedHashMap<>();
        two.put("vmm/start", 0.7); // QEMU's own start is not guest work: left out of the fit
        two.put("kernel", 3.575);
        Map<String, Double> three = new LinkedHashMap<>();
        three.put("vmm/start", 0.5);
        three.put("kernel", 9.0); // 3 on 2 cores: validation, never fitted on
        return new HostProfile(2, 24L << 30, 2.4, "qemu 7.2.22 (tcg)", "tiny-linux", "bios",
                List.of(new HostProfile.Phase("vmm/start", 0.5, true), new HostProfile.Phase("kernel", 3.25, false)),
                List.of(new HostCalibration.Row(1, 3.75, 1.0, one), new HostCalibration.Row(2, 4.275, 1.14, two),
                        new HostCalibration.Row(3, 9.5, 2.53, three)));
    }

    @Test
    void theCorunnerSlowdownIsFittedOnTwoAtOnceOnly() {
        assertThat(measuredTwoAtOnce().corunnerSlowdown()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(sample().measuresCorunners()).as("solo boots only: the model's own").isFalse();
        HostProfile p = measuredTwoAtOnce();
        // one core: 2 at once share it, which says nothing about co-runners on free cores
        assertThat(HostProfile.fitCorunnerSlowdown(1, p.solo(), p.rows())).isNaN();
        // faster together than alone (noise): no negative slowdown
        Map<String, Double> fast = new LinkedHashMap<>(p.rows().get(1).phaseSeconds());
        fast.put("kernel", 3.0);
        assertThat(HostProfile.fitCorunnerSlowdown(2, p.solo(), List.of(p.rows().getFirst(),
                new HostCalibration.Row(2, 3.5, 0.93, fast)))).isZero();
    }

    private static String withCorunners(String profile, String value) {
        return profile.replaceFirst("\"corunnerSlowdown\" : [^,\\n]+", "\"corunnerSlowdown\" : "
                + java.util.regex.Matcher.quoteReplacement(value));
    }

    @Test
    void theMeasuredSlowdownIsWrittenAndReadBackOrFittedWhereAnOlderFileHasNone() throws Exception {
        Path f = tmp.resolve("p.json");
        measuredTwoAtOnce().write(f);
        assertThat(Files.readString(f)).contains("\"corunnerSlowdown\" : 0.1000");
        assertThat(HostProfile.read(f)).isEqualTo(measuredTwoAtOnce());
        // as written by a hyperlab before the field: fitted on its rounds when read
        Path old = tmp.resolve("old.json");
        Files.writeString(old, Files.readString(f).replaceFirst("\\s*\"corunnerSlowdown\" : [^,\\n]+,", ""));
        assertThat(Files.readString(old)).doesNotContain("corunnerSlowdown");
        assertThat(HostProfile.read(old).corunnerSlowdown()).isEqualTo(measuredTwoAtOnce().corunnerSlowdown());
        // a user's own figure is taken as given
        Path own = tmp.resolve("own.json");
        Files.writeString(own, withCorunners(Files.readString(f), "0.25"));
        assertThat(HostProfile.read(own).corunnerSlowdown()).isEqualTo(0.25);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-0.5|corunnerSlowdown is -0.5, not a number from 0.0 to 10.0",
            "1e308|corunnerSlowdown is 1.0E308, not a number from 0.0 to 10.0",
            "\"fast\"|corunnerSlowdown is fast, not a number",
            "[1]|corunnerSlowdown is [1], not a number",
            "null|corunnerSlowdown is null, not a number",
    })
    void aHostileCorunnerSlowdownIsRefusedInOneLine(String value, String why) throws Exception {
        Path good = tmp.resolve("good.json");
        measuredTwoAtOnce().write(good);
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, withCorunners(Files.readString(good), value));
        assertThatThrownBy(() -> HostProfile.read(bad)).isInstanceOfSatisfying(LabException.class, e -> {
            assertThat(e.kind()).isEqualTo(LabException.Kind.INVALID);
            assertThat(e.getMessage()).startsWith("host profile " + bad + " is not usable: ").contains(why)
                    .doesNotContain("\n");
        });
    }

    @Test
    void aHugeOrTruncatedFileIsRefusedBeforeItIsParsed() throws Exception {
        Path huge = tmp.resolve("huge.json");
        Files.write(huge, new byte[(int) HostProfile.MAX_FILE_BYTES + 1]);
        assertThatThrownBy(() -> HostProfile.read(huge)).hasMessageContaining("more than a profile's 1 MiB");
        Path cut = tmp.resolve("cut.json");
        Files.writeString(cut, "{\"kind\" : \"hyperlab-host-profile\", \"sol");
        assertThatThrownBy(() -> HostProfile.read(cut)).isInstanceOf(LabException.class)
                .hasMessageStartingWith("host profile " + cut + " is not usable: ");
        assertThatThrownBy(() -> HostProfile.read(tmp.resolve("none.json"))).isInstanceOfSatisfying(LabException.class,
                e -> assertThat(e.kind()).isEqualTo(LabException.Kind.NOT_FOUND));
    }
}
