package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vm migrate --live} (issue 19, "Move and drain"): pre-copy rounds, stop-and-copy, refusals. */
class LiveMigrationTest {
    @TempDir
    Path tmp;

    static final String TWO_HOSTS = "host create a --cores 8 --ram 32GiB; host install a --hypervisor type1;"
            + "host power-on a --wait; host create b --cores 8 --ram 32GiB; host install b --hypervisor type1;"
            + "host power-on b --wait;";

    @Test
    void anIdleGuestConvergesInFewRoundsWithADowntimeUnderTheLimit() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok(TWO_HOSTS + "vm create v --host a --vcpus 2 --memory 2GiB --os linux-server; vm start v --wait;"
                    + "snapshot create v s1; wait vm v");
            String out = shell.ok("vm migrate v --to b --live --json");
            assertThat(out).contains("\"live\" : true").contains("\"from\" : \"a\"").contains("\"to\" : \"b\"");
            assertThat(count(out, "\"number\"")).isBetween(1, 2);
            assertThat(seconds(out, "downtime")).isLessThanOrEqualTo(0.3);
            assertThat(seconds(out, "diskCopy")).isPositive(); // its local disk went first (block migration)
            assertThat(shell.ok("vm info v")).contains("host           b").contains("running");
            assertThat(shell.ok("host info b --json")).contains("\"v\"");
            assertThat(shell.ok("host info a --json")).doesNotContain("\"v\"");
            String timeline = shell.ok("timeline v");
            assertThat(timeline).contains("migrate/disk copy").contains("migrate/round 1")
                    .contains("migrate/stop-and-copy").contains("kernel"); // its history came along
            assertThat(shell.ok("events --vm v")).contains("migrating").contains("migrated");
            assertThat(shell.ok("snapshot list v")).contains("s1");
            // it goes on running there: lab time passes, it stays up, and it can come back
            shell.ok("advance 10s");
            assertThat(shell.ok("vm migrate v --to a --live")).startsWith("migrated v live from b to a in ")
                    .contains("round 1: ");
        }
    }

    @Test
    void aWriteHeavyGuestOnASlowLinkIsRefusedWithBothRatesAndNothingChanges() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok(TWO_HOSTS + "vm create db --host a --vcpus 4 --memory 8GiB --os linux-server --workload database;"
                    + "vm start db --wait; advance 30s");
            Path lab = tmp.resolve("lab/lab.json");
            String before = Files.readString(lab);
            String time = shell.ok("time");
            String err = shell.run("vm migrate db --to b --live --bandwidth 8").err().strip();
            assertThat(err).startsWith("error: VM db cannot migrate live: it dirties 16.9 MiB/s of memory and disk "
                    + "and the link sends 8 MiB/s, so what is left never fits the 300 ms downtime limit (add "
                    + "--auto-converge");
            assertThat(err.lines().count()).isEqualTo(1);
            assertThat(Files.readString(lab)).isEqualTo(before);
            assertThat(shell.ok("time")).isEqualTo(time);
            // a link a few times faster converges in several rounds
            String fast = shell.ok("vm migrate db --to b --live --bandwidth 64 --json");
            assertThat(count(fast, "\"number\"")).isGreaterThan(2);
            assertThat(seconds(fast, "downtime")).isLessThanOrEqualTo(0.3);
            assertThat(shell.ok("vm info db")).contains("host           b").contains("running")
                    .contains("workload       database");
            // auto-converge throttles the guest until the slow link catches up, as QEMU does: 20 %, then +10 %
            String slow = shell.ok("vm migrate db --to a --live --bandwidth 8 --auto-converge");
            assertThat(slow).contains("(guest throttled 20 %)").contains("(guest throttled 30 %)");
            assertThat(shell.ok("vm info db")).contains("host           a").contains("running");
        }
    }

    @Test
    void postcopyMovesAGuestThatPreCopyRefusesAndSlowsItUntilItsPagesArrive() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok(TWO_HOSTS + "vm create db --host a --vcpus 4 --memory 8GiB --os linux-server --workload database;"
                    + "vm start db --wait; advance 30s");
            assertThat(shell.run("vm migrate db --to b --live --bandwidth 8").err()).contains("cannot migrate live");
            String before = Files.readString(tmp.resolve("lab/lab.json"));
            assertThat(shell.ok("vm migrate db --to b --live --bandwidth 8 --postcopy --dry-run"))
                    .contains("would migrate db live from a to b").contains("postcopy: ").contains("migrate/postcopy");
            assertThat(Files.readString(tmp.resolve("lab/lab.json"))).isEqualTo(before);
            String out = shell.ok("vm migrate db --to b --live --bandwidth 8 --postcopy --json");
            assertThat(count(out, "\"number\"")).isEqualTo(1); // the switch comes after the first round
            assertThat(seconds(out, "bytes", 1)).isPositive(); // what it dirtied meanwhile came over after the switch
            assertThat(seconds(out, "pace")).isBetween(0.5, 0.99); // at least half its pages were here on average
            assertThat(shell.ok("vm info db")).contains("host           b").contains("running");
            assertThat(shell.ok("timeline db")).contains("migrate/round 1").contains("migrate/postcopy");
            assertThat(shell.ok("events --vm db")).contains("postcopy");
            // a guest that pre-copy moves in one round never switches, with or without --postcopy
            shell.ok("vm create v --host a --vcpus 2 --memory 2GiB --os linux-server; vm start v --wait");
            String idle = shell.ok("vm migrate v --to b --live --postcopy");
            assertThat(idle).contains("round 1: ").doesNotContain("postcopy:");
            // allowed with --auto-converge, as QEMU allows both capabilities
            assertThat(shell.ok("vm migrate db --to a --live --bandwidth 8 --postcopy --auto-converge"))
                    .contains("postcopy: ");
        }
    }

    @Test
    void aThrottledGuestGetsLessOfItsWorkDone() throws IOException {
        double[] written = new double[2];
        String took = null;
        for (int i = 0; i < 2; i++) {
            try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab" + i))) {
                shell.ok(TWO_HOSTS + "vm create db --host a --vcpus 4 --memory 8GiB --os linux-server --workload "
                        + "database; vm start db --wait; advance 30s");
                double before = seconds(shell.ok("vm stat db --json"), "diskWritten");
                if (i == 0) {
                    String out = shell.ok("vm migrate db --to b --live --bandwidth 8 --auto-converge --json");
                    took = (long) Math.floor(seconds(out, "total") * 1000) + "ms";
                    assertThat(shell.ok("events --vm db")).contains("throttled");
                } else {
                    shell.ok("advance " + took); // as long, unthrottled, where it was
                }
                written[i] = seconds(shell.ok("vm stat db --json"), "diskWritten") - before;
            }
        }
        assertThat(written[0]).isPositive().isLessThan(written[1] * 0.9);
    }

    @Test
    void badRequestsGetOneLineAndChangeNothing() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok(TWO_HOSTS + "host create small --cores 8 --ram 4GiB; host install small --hypervisor type1;"
                    + "host power-on small --wait; vm create v --host a --vcpus 2 --memory 2GiB --os linux-server;"
                    + "vm create big --host a --vcpus 2 --memory 6GiB --os linux-server; vm create off --host a "
                    + "--vcpus 1 --memory 1GiB --os linux-server; vm start v big --wait");
            Path lab = tmp.resolve("lab/lab.json");
            String before = Files.readString(lab);
            for (String[] c : new String[][] {
                    {"vm migrate v --to a --live", "error: VM v is on host a already (name another host)"},
                    {"vm migrate off --to b --live", "error: VM off is defined (only a running VM migrates live; a "
                            + "stopped one moves without --live)"},
                    {"vm migrate v --to nope --live", "error: no host named 'nope' (host list shows the hosts)"},
                    {"vm migrate big --to small --live", "error: VM big needs 6 GiB of memory but host small has 4 GiB"},
                    {"vm migrate v --to b --bandwidth 5", "error: --bandwidth, --max-downtime, --auto-converge and "
                            + "--postcopy are for a live migration (add --live)"},
                    {"vm migrate v --to b --postcopy", "error: --bandwidth, --max-downtime, --auto-converge and "
                            + "--postcopy are for a live migration (add --live)"},
                    {"vm migrate v --to a --live --postcopy", "error: VM v is on host a already"},
                    {"vm migrate v --to b --live --bandwidth 0", "error: --bandwidth 0 (give MiB/s above 0)"},
                    {"vm migrate v --to b --live --max-downtime -1", "error: --max-downtime -1"},
            }) {
                ShellFixture.Result r = shell.run(c[0]);
                assertThat(r.err().strip()).as(c[0]).startsWith(c[1]);
                assertThat(r.err().strip().lines().count()).as(c[0]).isEqualTo(1);
                assertThat(Files.readString(lab)).as(c[0] + " changes nothing").isEqualTo(before);
            }
            assertThat(shell.run("js lab.vm('v').migrate('a', {live: true})").err()).contains("already");
        }
    }

    @Test
    void theFacadeMigratesLiveFromJavaScriptAndJava() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok(TWO_HOSTS + "vm create v --host a --vcpus 2 --memory 2GiB --os linux-server --workload web;"
                    + "vm start v --wait");
            assertThat(shell.ok("js lab.vm('v').migrate('b', {live: true, maxDowntime: '100ms'}).to")).isEqualTo("b\n");
            assertThat(shell.ok("java lab.vm(\"v\").migrate(\"a\", MigrateOptions.LIVE.withMaxDowntime("
                    + "java.time.Duration.ofMillis(50))).rounds().size() > 0")).contains("true");
            assertThat(shell.ok("vm info v")).contains("host           a").contains("running");
            assertThat(shell.ok("js lab.vm('v').migrate('b', {live: true, postcopy: true}).postcopy.bytes"))
                    .isEqualTo("0\n"); // an idle guest finishes in pre-copy
            assertThat(shell.ok("java lab.vm(\"v\").migrate(\"a\", MigrateOptions.LIVE.withPostcopy(true)).postcopy()"
                    + ".pace()")).contains("1.0");
            assertThat(shell.run("java lab.vm(\"v\").migrate(\"b\", MigrateOptions.OFFLINE)").err())
                    .contains("VM v is running");
        }
    }

    @Test
    void theSameLabMigratesTheSameWay() throws IOException {
        String[] timelines = new String[2];
        for (int i = 0; i < 2; i++) {
            try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab" + i))) {
                shell.ok(TWO_HOSTS + "vm create db --host a --vcpus 4 --memory 8GiB --os linux-server --workload "
                        + "database; vm create w --host a --vcpus 2 --memory 2GiB --os linux-server --workload web;"
                        + "vm start db w --wait; advance 20s; vm migrate db --to b --live --bandwidth 64;"
                        + "vm migrate w --to b --live");
                timelines[i] = shell.ok("timeline") + shell.ok("events");
            }
        }
        assertThat(timelines[1]).isEqualTo(timelines[0]);
    }

    static int count(String s, String what) {
        return (int) Pattern.compile(Pattern.quote(what)).matcher(s).results().count();
    }

    static double seconds(String json, String field) {
        return seconds(json, field, 0);
    }

    /** The {@code skip}+1-th number named {@code field} in {@code json}. */
    static double seconds(String json, String field, int skip) {
        Matcher m = Pattern.compile("\"" + field + "\" : ([0-9.E-]+)").matcher(json);
        for (int i = 0; i <= skip; i++) {
            assertThat(m.find()).as(field + " in " + json).isTrue();
        }
        return Double.parseDouble(m.group(1));
    }
}
