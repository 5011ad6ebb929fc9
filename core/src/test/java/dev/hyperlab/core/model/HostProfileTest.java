package dev.hyperlab.core.model;

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
