package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vm set}, {@code vm clone} and {@code host delete} (issue 19) through the shell, JavaScript and Java snippets
 * on a lab in a directory: a changed definition survives the lab's reload and shows at the next boot (a Windows guest
 * given virtio-blk boots from its virtio disk, and stops with 0x7B once it is taken away); a clone's disk holds what
 * the source's guest sees (qemu-img compare says so) and costs lab time; refused requests are one line and change no
 * file of the lab.
 */
class FleetCommandsTest {
    @TempDir
    Path tmp;

    private ShellFixture windowsLab() {
        ShellFixture shell = ShellFixture.in(tmp.resolve("lab"));
        shell.ok("host create h --cores 8 --ram 32GiB; host install h --hypervisor type1; host power-on h --wait;"
                + "vm create w --host h --vcpus 2 --memory 4GiB --os windows-server");
        return shell;
    }

    /** Many at once: every VM is waited for and shown, then one error names those that did not start. */
    @Test
    void aStormReportsEveryVmAndFailsNamingThoseThatDidNotStart() {
        try (ShellFixture shell = windowsLab()) {
            shell.ok("vm create l1 --host h --vcpus 1 --memory 1GiB --os linux-server");
            ShellFixture.Result storm = shell.run("vm start w l1 --wait");
            assertThat(storm.ok()).isFalse();
            assertThat(storm.out()).containsPattern("w +crashed").containsPattern("l1 +running");
            assertThat(storm.err().strip()).startsWith("error: 1 of 2 VMs did not start: VM w crashed: "
                    + "INACCESSIBLE_BOOT_DEVICE").endsWith("(vm info w says why, timeline w how far it got)");
            // the next start in the same session reports its own outcome only
            shell.ok("vm set w --driver +virtio-blk");
            assertThat(shell.ok("vm start w --wait")).containsPattern("w +running");
        }
    }

    /** A start the host refuses at once is an error naming the way out, not "starting:" and status 0. */
    @Test
    void aStartRefusedAtOnceIsAnErrorNamingTheWayOut() {
        try (ShellFixture shell = windowsLab()) {
            shell.ok("mem policy h --auto-balloon off; vm create m1 --host h --vcpus 1 --memory 16GiB --os linux-server;"
                    + " vm create m2 --host h --vcpus 1 --memory 16GiB --os linux-server; vm start m1 --wait");
            ShellFixture.Result r = shell.run("vm start m2");
            assertThat(r.ok()).isFalse();
            assertThat(r.out()).doesNotContain("starting:");
            assertThat(r.err().strip()).startsWith("error: VM m2: start refused: host h cannot promise 16 GiB more")
                    .endsWith("(free room on its host, or start it on another host: vm migrate m2 --to HOST)");
            // waiting for it: the hint is no longer to start it again
            assertThat(shell.run("vm start m2 --wait").err().strip())
                    .endsWith("(free room on h or start it on another host: vm migrate m2 --to HOST)");
        }
    }

    @Test
    void aWindowsVmGivenItsBootDriverBootsAndStopsWith0x7bWithoutIt() {
        try (ShellFixture shell = windowsLab()) {
            assertThat(shell.run("vm start w --wait").err()).contains("INACCESSIBLE_BOOT_DEVICE (bug check 0x7B)");
            assertThat(shell.ok("vm set w --driver +virtio-blk --vcpus 4 --memory 8GiB"))
                    .isEqualTo("set w: 4 vCPUs, 8 GiB, firmware uefi, drivers virtio-blk, boot priority 0, autostart off\n");
            assertThat(shell.ok("vm start w --wait")).contains("running");
            assertThat(shell.ok("vm info w --json")).contains("\"vcpus\" : 4")
                    .contains("\"drivers\" : [ \"virtio-blk\" ]");
            shell.ok("vm shutdown w --wait; vm set w --driver -virtio-blk");
            assertThat(shell.run("vm start w --wait").err()).contains("0x7B");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("vm info w")).contains("drivers        none").contains("vcpus          4")
                    .contains("memory         8 GiB");
            assertThat(again.ok("events --vm w")).contains("changed vcpus 2->4 memory 4 GiB->8 GiB drivers []->[virtio-blk]");
        }
    }

    @Test
    void badChangesAreOneLineAndChangeNoFile() throws IOException {
        try (ShellFixture shell = windowsLab()) {
            shell.ok("vm set w --driver +virtio-blk; vm start w --wait");
            Path lab = tmp.resolve("lab/lab.json");
            String before = Files.readString(lab);
            assertThat(shell.run("vm set w --vcpus 1").err().strip()).isEqualTo("error: VM w runs: its vCPUs cannot go "
                    + "from 2 to 1 while it runs (vCPU hot-unplug is not modelled) (vm shutdown w first)");
            assertThat(shell.run("vm set w --firmware bios").err().strip()).isEqualTo("error: VM w is running (its "
                    + "definition changes while it is off: vm shutdown w first)");
            shell.ok("vm destroy w");
            before = Files.readString(lab);
            for (String[] c : new String[][] {
                    {"vm set w", "error: vm set w changes nothing (give --vcpus, --memory, --max-vcpus, "
                            + "--max-memory, --firmware, --driver, --boot-priority, --autostart or --workload; vm info "
                            + "shows the VM)"},
                    {"vm set w --vcpus 0", "error: VM w: 0 vCPUs is out of range (1 or more)"},
                    {"vm set w --vcpus 9", "error: VM w would have 9 vCPUs but host h has 8 cores (give it at most 8 "
                            + "vCPUs)"},
                    {"vm set w --memory 1MiB", "error: VM w: 1 MiB of memory is too little (at least 16 MiB)"},
                    {"vm set w --memory 64GiB", "error: VM w would need 64 GiB of memory but host h has 32 GiB (give it "
                            + "less memory)"},
                    {"vm set w --driver +nope", "error: no driver 'nope' (profiles lists the drivers there are)"},
                    {"vm set w --driver +virtio-blk", "error: VM w already has driver virtio-blk (it was installed "
                            + "before)"},
                    {"vm set w --driver -guest-tools", "error: VM w has no driver guest-tools installed (it has "
                            + "virtio-blk)"},
                    {"vm set w --driver virtio-net", "error: --driver 'virtio-net' says neither + nor - (+ID installs a "
                            + "driver, -ID removes one: --driver +virtio-blk)"},
                    {"vm set w --firmware nope", "error: no firmware 'nope' (profiles lists the firmware models there are)"},
                    {"vm set w --vcpus 4 --driver +nope", "error: no driver 'nope' (profiles lists the drivers there are)"},
                    {"host delete h", "error: host h is running (power it off first: host power-off h)"},
            }) {
                ShellFixture.Result r = shell.run(c[0]);
                assertThat(r.ok()).as(c[0]).isFalse();
                assertThat(r.err().strip()).as(c[0]).isEqualTo(c[1]);
                assertThat(Files.readString(lab)).as(c[0] + " changes nothing").isEqualTo(before);
            }
            assertThat(shell.ok("vm info w")).contains("vcpus          2");
            // a VM that could never start on the host is refused when it is created, as its start would refuse it
            ShellFixture.Result big = shell.run("vm create big --host h --vcpus 1 --memory 32GiB --os linux-server");
            assertThat(big.err().strip()).matches("error: VM big needs 32(\\.\\d+)? GiB but host h has only \\d+(\\.\\d+)? GiB"
                    + " for VMs \\(give it less memory or a larger host\\)");
            assertThat(Files.readString(lab)).isEqualTo(before);
            shell.ok("host power-off h");
            assertThat(shell.run("host delete h").err().strip())
                    .isEqualTo("error: host h has 1 VM: w (delete them first: vm delete NAME)");
        }
    }

    @Test
    void aDeletedHostTakesItsDisksAndItsNameCanBeUsedAgain() {
        try (ShellFixture shell = windowsLab()) {
            Path disk = tmp.resolve("lab/hosts/h/disk0.raw");
            assertThat(disk).exists();
            shell.ok("host power-off h; vm delete w");
            assertThat(shell.ok("host delete h")).isEqualTo("deleted host h\n");
            assertThat(disk).doesNotExist();
            assertThat(shell.ok("host list")).startsWith("no hosts yet");
            shell.ok("host create h --cores 4 --ram 8GiB; host install h --hypervisor type1; host power-on h --wait");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("advance 1h; host info h")).contains("running").contains("4");
        }
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    @Test
    void aCloneHoldsWhatTheSourcesGuestSeesInADiskOfItsOwnAndCostsLabTime() throws Exception {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create h --cores 8 --ram 32GiB --disk hdd:2TiB; host install h --hypervisor type1;"
                    + "host power-on h --wait; vm create w --host h --vcpus 2 --memory 2GiB --os linux-server;"
                    + "vm start w --wait; advance 5m");
            assertThat(shell.run("vm clone w w2").err().strip()).isEqualTo("error: VM w is running (a VM is cloned "
                    + "while it is off, as virt-clone asks: vm shutdown w first)");
            shell.ok("vm shutdown w --wait");
            String before = shell.ok("time");
            assertThat(shell.ok("vm clone w w2")).startsWith("cloned w as w2 on h (disks qcow2 10 GiB, mac 52:54:00:")
                    .endsWith(" of lab time (next: vm start w2 --wait)\n");
            assertThat(shell.ok("time")).as("the copy took lab time").isNotEqualTo(before);
            Path source = tmp.resolve("lab/vms/w/disk0.qcow2");
            Path clone = tmp.resolve("lab/vms/w2/disk0.qcow2");
            assertThat(run(tmp, "qemu-img", "compare", "-U", source.toString(), clone.toString()))
                    .contains("Images are identical");
            assertThat(run(tmp, "qemu-img", "info", "-U", clone.toString())).doesNotContain("backing file");
            assertThat(shell.ok("disk list")).containsPattern("vms/w2/disk0.qcow2 +qcow2 .* vm-disk +w2:disk0")
                    .containsPattern("linux-server-bios.qcow2 .* base +w:disk0\n");
            assertThat(shell.run("vm clone w w2").err().strip()).startsWith("error: a VM named 'w2' already exists");
            assertThat(shell.ok("vm start w2 --wait")).contains("running");
            assertThat(shell.ok("js lab.vm('w').cloneAs('w3').name()")).isEqualTo("w3\n");
            assertThat(shell.ok("java lab.vm(\"w3\").cloneAs(\"w4\").info().vcpus()")).contains("2");
        }
    }

    @Test
    void aLinkedCloneIsAnOverlayOnItsSourceThatQemuImgFollowsAndItsSourceStaysAsItIs() throws Exception {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create h --cores 8 --ram 32GiB --disk nvme:2TiB; host install h --hypervisor type1;"
                    + "host power-on h --wait; vm create w --host h --vcpus 2 --memory 2GiB --os linux-server;"
                    + "vm start w --wait; vm shutdown w --wait");
            String out = shell.ok("vm clone w w2 --linked");
            assertThat(out).startsWith("cloned w as linked clone w2 on h (disks qcow2 10 GiB, mac 52:54:00:")
                    .endsWith(" of lab time (next: vm start w2 --wait)\n");
            assertThat(shell.ok("events --vm w2")).as("writing the overlay's metadata takes lab time, not a copy's")
                    .containsPattern("linked clone of w 192.2 KiB of metadata in [1-9][0-9]*us mac 52:54:00:");
            Path source = tmp.resolve("lab/vms/w/disk0.qcow2");
            Path clone = tmp.resolve("lab/vms/w2/disk0.qcow2");
            String chain = run(tmp, "qemu-img", "info", "-U", "--backing-chain", "--output=json", clone.toString());
            assertThat(chain).contains("\"backing-filename\": \"../w/disk0.qcow2\"")
                    .containsPattern("\"full-backing-filename\": \"[^\"]*/vms/w2/../w/disk0.qcow2\"")
                    .contains("\"backing-filename-format\": \"qcow2\"")
                    .containsPattern("\"filename\": \"[^\"]*/vms/w2/../w/disk0.qcow2\"")
                    .contains("linux-server-bios.qcow2");
            assertThat(run(tmp, "qemu-img", "compare", "-U", source.toString(), clone.toString()))
                    .contains("Images are identical");
            String info = shell.ok("vm info w2");
            assertThat(info).containsPattern("mac +52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}\n")
                    .containsPattern("machine id +[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}\n")
                    .containsPattern("linked to +w\n");
            assertThat(shell.ok("vm info w")).doesNotContain("mac").doesNotContain("linked to");
            assertThat(shell.ok("vm info w2 --json")).contains("\"identity\" : {").contains("\"linkedTo\" : \"w\"");
            // the source is the clone's base: what would change its disks under the clone is refused, naming it
            String lab = java.nio.file.Files.readString(tmp.resolve("lab/lab.json"));
            assertThat(shell.run("vm start w").err().strip()).isEqualTo("error: VM w is the base of linked clone w2: "
                    + "starting it would change the disks it reads through (vm delete w2 first, or clone w in full "
                    + "(vm clone without --linked))");
            assertThat(shell.run("vm delete w").err().strip()).startsWith("error: VM w is the base of linked clone w2: "
                    + "deleting it");
            assertThat(shell.run("vm migrate w2 --to h").err()).contains("already");
            assertThat(java.nio.file.Files.readString(tmp.resolve("lab/lab.json"))).isEqualTo(lab);
            assertThat(shell.ok("vm start w2 --wait")).contains("running");
            assertThat(shell.ok("vm clone w w3 --linked --dry-run"))
                    .contains("would clone w as linked clone w3 on h (disks qcow2 10 GiB, mac 52:54:00:");
            assertThat(shell.ok("js lab.vm('w').linkedCloneAs('w3').info().identity.linkedTo")).isEqualTo("w\n");
            assertThat(shell.ok("java lab.vm(\"w\").linkedCloneAs(\"w4\").info().identity().mac()"))
                    .contains("52:54:00:");
            String macs = shell.ok("vm info w2 --json") + shell.ok("vm info w3 --json") + shell.ok("vm info w4 --json");
            assertThat(java.util.regex.Pattern.compile("52:54:00:..:..:..").matcher(macs).results()
                    .map(java.util.regex.MatchResult::group).distinct().count()).as(macs).isEqualTo(3);
            assertThat(shell.run("vm start w").err().strip()).isEqualTo("error: VM w is the base of linked clones w2, "
                    + "w3, w4: starting it would change the disks they read through (delete those clones first, or "
                    + "clone w in full (vm clone without --linked))");
            shell.ok("vm destroy w2; vm delete w2; vm delete w3; vm delete w4");
            assertThat(shell.ok("vm start w --wait")).as("no clone left: the source runs again").contains("running");
        }
    }

    @Test
    void resourceControlsAreSetInAnyStateShownAndRefusedWithTheFigures() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create h --cores 4 --ram 32GiB --cpu-ghz 2.1; host install h --hypervisor type1;"
                    + "host power-on h --wait");
            assertThat(shell.ok("vm create db --host h --vcpus 2 --memory 4GiB --os linux-server --cpu-shares 4000 "
                    + "--cpu-reservation 1core --mem-reservation 2GiB")).contains(", cpu shares 4000, cpu reservation "
                    + "2100 MHz, mem reservation 2 GiB");
            assertThat(shell.ok("vm info db")).containsPattern("resources +cpu shares 4000, cpu reservation 2100 MHz, "
                    + "mem reservation 2 GiB\n");
            assertThat(shell.ok("vm info db --json")).contains("\"cpuReservationMhz\" : 2100");
            shell.ok("vm start db --wait");
            assertThat(shell.ok("vm set db --cpu-limit 3.5GHz --mem-limit 3GiB")).as("in any state")
                    .endsWith("cpu shares 4000, cpu reservation 2100 MHz, cpu limit 3500 MHz, mem reservation 2 GiB, "
                            + "mem limit 3 GiB\n");
            assertThat(shell.ok("events --vm db")).contains("resources cpu-limit 0MHz->3500MHz mem-limit 0 B->3 GiB");
            shell.ok("vm create big --host h --vcpus 4 --memory 2GiB --os linux-server --cpu-reservation 5GHz");
            String lab = Files.readString(tmp.resolve("lab/lab.json"));
            assertThat(shell.run("vm start big").err().strip()).isEqualTo("error: VM big cannot start: its CPU "
                    + "reservation of 5000 MHz does not fit: host h's running VMs reserve 2100 MHz of the 6300 MHz it "
                    + "can reserve (4 cores less 1 for the host, at 2100 MHz) (lower its --cpu-reservation or stop a "
                    + "VM with one on h)");
            for (String[] c : new String[][] {
                    {"vm set db --cpu-shares 2000000", "error: VM db: 2000000 CPU shares is out of range (1 to "
                            + "1000000 (1000 a vCPU is normal), or 0 for normal)"},
                    {"vm set db --cpu-limit 1GHz", "error: VM db: its CPU limit (1000 MHz) is below its reservation "
                            + "(2100 MHz) (a limit at least the reservation, or 0 for none)"},
                    {"vm set db --cpu-reservation fast", "error: --cpu-reservation 'fast' is not a CPU rate (2100MHz, "
                            + "2.1GHz or 1.5cores (0 for none))"},
                    {"vm set db --mem-reservation 8GiB", "error: VM db: a memory reservation of 8 GiB is more than "
                            + "its 4 GiB (at most its memory)"}}) {
                assertThat(shell.run(c[0]).err().strip()).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(Files.readString(tmp.resolve("lab/lab.json"))).isEqualTo(lab);
            assertThat(shell.ok("vm set big --cpu-reservation 4.2GHz --dry-run")).contains("would set big");
            assertThat(shell.ok("js lab.vm('big').setResources(Object.assign({}, lab.vm('big').info().resources, {cpuShares: 500}))"
                    + ".resources.cpuShares")).isEqualTo("500\n");
            assertThat(shell.ok("java lab.vm(\"big\").setResources(lab.vm(\"big\").info().resources()"
                    + ".withCpuReservationMhz(0)).resources()")).contains("cpuShares=500").contains("cpuReservationMhz=0");
            shell.ok("vm start big --wait");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("vm info db")).contains("cpu limit 3500 MHz");
        }
    }

    @Test
    void diskSharesAndIopsAreSetShownPersistedAndBadOnesRefused() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create h --cores 4 --ram 32GiB --disk nvme:2TiB; host install h --hypervisor type1;"
                    + "host power-on h --wait");
            assertThat(shell.ok("vm create db --host h --vcpus 1 --memory 2GiB --os linux-server --disk-shares high "
                    + "--disk-iops-reservation 5000")).contains("disk shares 2000, disk iops reservation 5000");
            assertThat(shell.ok("vm set db --disk-iops-limit 20000")).endsWith("disk shares 2000, disk iops limit "
                    + "20000, disk iops reservation 5000\n");
            assertThat(shell.ok("vm info db")).containsPattern("resources +disk shares 2000, disk iops limit 20000, "
                    + "disk iops reservation 5000\n");
            assertThat(shell.ok("vm info db --json")).contains("\"diskIopsLimit\" : 20000");
            String lab = Files.readString(tmp.resolve("lab/lab.json"));
            for (String[] c : new String[][] {
                    {"vm set db --disk-shares fast", "error: --disk-shares 'fast' is not a share count (low, normal, "
                            + "high or a number (0 for the default))"},
                    {"vm set db --disk-shares -5", "error: VM db: -5 disk shares is out of range (1 to 1000000 (low "
                            + "500, normal 1000, high 2000), or 0 for the default)"},
                    {"vm set db --disk-iops-limit -1", "error: VM db: a disk IOPS limit or reservation is negative "
                            + "(0 (none) or more)"},
                    {"vm set db --disk-iops-limit 1000", "error: VM db: its disk IOPS limit (1000) is below its "
                            + "reservation (5000) (a limit at least the reservation, or 0 for none)"}}) {
                assertThat(shell.run(c[0]).err().strip()).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(Files.readString(tmp.resolve("lab/lab.json"))).isEqualTo(lab);
            assertThat(shell.ok("vm set db --disk-shares low --dry-run")).contains("would set db");
            assertThat(shell.ok("js lab.vm('db').setResources(Object.assign({}, lab.vm('db').info().resources, "
                    + "{diskShares: 500})).resources.diskShares")).isEqualTo("500\n");
            assertThat(shell.ok("java lab.vm(\"db\").setResources(lab.vm(\"db\").info().resources()"
                    + ".withDiskIopsReservation(0)).resources()")).contains("diskShares=500")
                    .contains("diskIopsReservation=0");
            shell.ok("vm start db --wait");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("vm info db")).contains("disk shares 500, disk iops limit 20000");
        }
    }

    @Test
    void aPreloadedHostBootsFromItsReadCache() {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create cold --cores 8 --ram 32GiB --disk hdd:2TiB; host install cold --hypervisor type1;"
                    + "host create warm --cores 8 --ram 32GiB --disk hdd:2TiB; host install warm --hypervisor type1;"
                    + "host power-on cold --wait; host power-on warm --wait;"
                    + "vm create a --host cold --vcpus 2 --memory 2GiB --os linux-server;"
                    + "vm create b --host warm --vcpus 2 --memory 2GiB --os linux-server");
            assertThat(shell.ok("host preload warm --os linux-server")).startsWith("preloaded linux-server's boot "
                    + "blocks into host warm's read cache in ");
            assertThat(shell.ok("host preload warm --os linux-server")).as("warm already")
                    .endsWith(" in 0ns of lab time\n");
            assertThat(shell.ok("events --vm warm")).contains("preload linux-server");
            shell.ok("vm start a b --wait");
            String cold = shell.ok("timeline a");
            String warm = shell.ok("timeline b");
            // the cold host's boot of a read the blocks into its cache: nothing left to preload
            shell.ok("js lab.host('cold').preload('linux-server')");
            assertThat(shell.ok("java lab.host(\"cold\").preload(\"linux-server\").isZero()")).contains("true");
            assertThat(shell.run("host preload cold --os plan9").err()).startsWith("error: no OS profile 'plan9'");
            assertThat(cold).containsPattern("bootloader .* disk\n");
            assertThat(warm).as("its boot loader's reads come from the cache").containsPattern("bootloader .* 0ns +fixed\n");
        }
    }

    @Test
    void autostartVmsComeBackAfterAPowerCutByTheStartPolicyAndTheOthersStayCrashed() {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create h --cores 8 --ram 32GiB; host install h --hypervisor type1; host power-on h --wait;"
                    + "vm create a --host h --vcpus 1 --memory 1GiB --os linux-server --boot-priority 1;"
                    + "vm create b --host h --vcpus 1 --memory 1GiB --os linux-server;"
                    + "vm create c --host h --vcpus 1 --memory 1GiB --os linux-server;"
                    + "host policy h --max-concurrent-boots 1;"
                    + "vm start a b c --wait");
            assertThat(shell.ok("vm set a --autostart on; vm set b --autostart on"))
                    .contains("set b: 1 vCPU, 1 GiB, firmware bios").endsWith("autostart on\n");
            assertThat(shell.ok("vm info a")).contains("autostart      on");
            shell.ok("host power-off h; host power-on h --wait; advance 5m");
            assertThat(shell.ok("vm list")).containsPattern("a +h +running").containsPattern("b +h +running")
                    .containsPattern("c +h +crashed +1 +1 GiB .*host h lost power");
            String events = shell.ok("events --vm a") + shell.ok("events --vm b");
            assertThat(events).contains("autostart");
            // the start policy orders them: b (group 0) boots before a (group 1), one at a time
            String timeline = shell.ok("events --json");
            assertThat(timeline.indexOf("\"machine\":\"b\",\"event\":\"running\"", timeline.lastIndexOf("autostart")))
                    .as(timeline).isLessThan(timeline.indexOf("\"machine\":\"a\",\"event\":\"running\"",
                            timeline.lastIndexOf("autostart")));
            assertThat(shell.run("vm set a --autostart maybe").err().strip())
                    .isEqualTo("error: --autostart: 'maybe' is neither on nor off (on or off)");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("vm info b --json")).contains("\"autostart\" : true");
            assertThat(again.ok("vm info c --json")).contains("\"autostart\" : false");
        }
    }

    @Test
    void aStoppedVmMigratesWithItsDisksAndStartsOnItsNewHost() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create a --cores 8 --ram 32GiB; host install a --hypervisor type1; host power-on a --wait;"
                    + "host create b --cores 4 --ram 8GiB --disk ssd:1TiB; host install b --hypervisor type1;"
                    + "host create off --cores 4 --ram 8GiB; host install off --hypervisor type1;"
                    + "host power-on b --wait; vm create v --host a --vcpus 2 --memory 2GiB --os linux-server;"
                    + "vm create big --host a --vcpus 8 --memory 2GiB --os linux-server; vm start v --wait");
            Path lab = tmp.resolve("lab/lab.json");
            String before = Files.readString(lab);
            for (String[] c : new String[][] {
                    {"vm migrate v --to b", "error: VM v is running (a running VM moves live: vm migrate v --to HOST "
                            + "--live (or vm shutdown v first to move it offline))"},
                    {"vm migrate big --to b", "error: VM big has 8 vCPUs but host b has 4 cores (vm set big --vcpus "
                            + "fewer first)"},
                    {"vm migrate big --to a", "error: VM big is on host a already (name another host)"},
                    {"vm migrate big --to off", "error: host off is off (a VM moves to a host whose hypervisor runs: "
                            + "host power-on off)"},
                    {"vm migrate big --to nope", "error: no host named 'nope' (host list shows the hosts)"},
            }) {
                ShellFixture.Result r = shell.run(c[0]);
                assertThat(r.err().strip()).as(c[0]).isEqualTo(c[1]);
                assertThat(Files.readString(lab)).as(c[0] + " changes nothing").isEqualTo(before);
            }
            shell.ok("vm shutdown v --wait");
            String before2 = shell.ok("time");
            assertThat(shell.ok("vm migrate v --to b")).startsWith("migrated v from a to b in ")
                    .endsWith(" of lab time (offline: its disks copied)\n");
            assertThat(shell.ok("time")).isNotEqualTo(before2);
            assertThat(shell.ok("host info b --json")).contains("\"v\"");
            assertThat(shell.ok("vm start v --wait")).contains("running");
            assertThat(shell.ok("vm info v")).contains("host           b");
            assertThat(shell.run("js lab.vm('big').migrate('b')").err()).contains("8 vCPUs but host b has 4 cores");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("vm list --host b")).contains("v ");
            again.ok("vm destroy v");
            assertThat(again.ok("java lab.vm(\"v\").migrate(\"a\").host()")).contains("a");
        }
    }

    @Test
    void aRenamedVmKeepsItsFilesAndANewVmOfItsOldNameGetsItsOwn() throws Exception {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create h --cores 8 --ram 32GiB; host install h --hypervisor type1; host power-on h --wait;"
                    + "vm create w --host h --vcpus 1 --memory 1GiB --os linux-server; vm start w --wait");
            assertThat(shell.run("vm rename w x").err().strip()).isEqualTo("error: VM w is running (a VM is renamed "
                    + "while it is off, as virsh domrename asks: vm shutdown w first)");
            shell.ok("snapshot create w live; wait vm w; vm shutdown w --wait");
            assertThat(shell.run("vm rename w x").err().strip()).isEqualTo("error: VM w has snapshots that hold its "
                    + "running state under its name: live (delete them first (snapshot delete w SNAPSHOT))");
            shell.ok("snapshot delete w live; snapshot create w off");
            assertThat(shell.run("vm rename w w").err().strip()).isEqualTo("error: VM w is named w already (give "
                    + "another name)");
            assertThat(shell.run("vm rename w 'bad name'").err().strip()).startsWith("error: ");
            assertThat(shell.ok("vm rename w x")).isEqualTo("renamed w to x\n");
            assertThat(shell.ok("vm create w --host h --vcpus 1 --memory 1GiB --os linux-server")).contains("created");
            assertThat(shell.ok("disk list")).contains("vms/w/disk0.qcow2").contains("x:disk0")
                    .contains("vms/w/disk0-2.qcow2");
            assertThat(shell.ok("vm start x w --wait")).containsPattern("x +running").containsPattern("w +running");
            assertThat(shell.ok("snapshot list x")).contains("off");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("vm list")).containsPattern("x +h +running").containsPattern("w +h +running");
            again.ok("vm destroy x; vm destroy w");
            assertThat(again.ok("js lab.vm('x').rename('y').name()")).isEqualTo("y\n");
            assertThat(again.ok("java lab.vm(\"y\").rename(\"z\").info().host()")).contains("h");
        }
    }

    @Test
    void scriptsAndSnippetsChangeAVmAndDeleteAHost() {
        try (ShellFixture shell = windowsLab()) {
            assertThat(shell.ok("js lab.vm('w').set({vcpus: 3, memory: '6GiB', addDrivers: ['virtio-blk']}).vcpus"))
                    .isEqualTo("3\n");
            assertThat(shell.ok("java lab.vm(\"w\").set(VmChange.NONE.withoutDriver(\"virtio-blk\")"
                    + ".withBootPriority(2)).bootPriority()")).contains("2");
            assertThat(shell.run("js lab.vm('w').set({vcpus: 0})").err()).contains("0 vCPUs is out of range");
            shell.ok("vm delete w; host power-off h");
            shell.ok("js lab.host('h').delete()");
            assertThat(shell.ok("java lab.hosts().size()")).contains("0");
        }
    }
}
