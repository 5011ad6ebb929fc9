package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.core.engine.image.DiskFiles;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.machine.VmMemoryRule;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.calibration.OsProfiles;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Defining and deleting VMs ({@code vm create}, a backup's restore as a new VM, {@code vm delete}): every setting and
 * disk is checked before the first image is made, and a deleted VM's own images go with it.
 */
final class VmDefinitions {
    private final LabModel lab;

    VmDefinitions(LabModel lab) {
        this.lab = lab;
    }

    /** What {@link #check} found valid, ready for {@link #make}: nothing of it exists in the lab yet. */
    private record Checked(VmSpec spec, HostMachine host, Optional<OsProfile> os, List<Object> disks, String firmware,
            String layout, boolean restored) {}

    void create(VmSpec spec, boolean restored) {
        make(check(spec, restored));
    }

    /**
     * Defines several VMs as one request ({@code vm create NAME...}, {@code Lab.createVms}): every spec is checked
     * before the first VM exists, a name given twice included, so one refusal refuses them all and changes nothing.
     * Should making an image fail part way (a full disk), the VMs this request made are deleted again.
     */
    void createAll(List<VmSpec> specs) {
        Set<String> names = new HashSet<>();
        List<Checked> checked = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            VmSpec spec = specs.get(i);
            if (!names.add(spec.name())) {
                throw LabException.invalid("VM " + spec.name() + " is named twice", "give each VM its own name");
            }
            checked.add(check(spec, false));
        }
        int made = 0;
        try {
            for (; made < checked.size(); made++) {
                make(checked.get(made));
            }
        } catch (RuntimeException e) {
            for (int i = made - 1; i >= 0; i--) {
                try {
                    delete(checked.get(i).spec().name());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /** Every setting and disk of {@code spec} checked against the lab, in the order the messages come. */
    private Checked check(VmSpec spec, boolean restored) {
        String name = spec.name();
        lab.requireFreeName(name);
        if (spec.host().isEmpty()) {
            // as virsh on its one host: a lab of one host needs no name for it
            if (lab.hosts.size() != 1) {
                throw LabException.invalid("VM " + name + " needs a host", lab.hosts.isEmpty()
                        ? "the lab has none yet: host create NAME {HostSpec.cores} N {HostSpec.ramBytes} SIZE"
                        : "name the one it runs on ({host}): " + String.join(", ", lab.hosts.keySet()));
            }
            spec = spec.withHost(lab.hosts.keySet().iterator().next());
            HostMaintenance.checkPlaceable(lab.hosts.firstEntry().getValue(), "create VM " + name);
        }
        HostMachine h = lab.hostMachine(spec.host());
        if (!spec.workload().isEmpty()) {
            lab.workloads.get(spec.workload()); // an unknown one is refused before anything exists
        }
        if (spec.vcpus() < 1) {
            throw LabException.invalid("VM " + name + ": " + spec.vcpus() + " vCPUs is out of range", "1 or more");
        }
        if (spec.vcpus() > h.cores) {
            throw LabException.insufficient("VM " + name + " has " + LabModel.count(spec.vcpus(), "vCPU") + " but host "
                    + h.name + " has " + LabModel.count(h.cores, "core"), "give it at most "
                    + LabModel.count(h.cores, "vCPU"));
        }
        VmMemoryRule.requireConfigured(name, spec.memoryBytes());
        if (spec.memoryBytes() > h.ram) {
            throw LabException.insufficient("VM " + name + " needs " + Sizes.format(spec.memoryBytes())
                    + " of memory but host " + h.name + " has " + Sizes.format(h.ram), "give it less memory or a larger host");
        }
        // what its start checks, once the host's hypervisor says what it keeps for itself: a VM that could never
        // start there is refused now, not at its first start
        long need = spec.memoryBytes() + OsProfiles.get(spec.os().isEmpty() ? "linux-server" : spec.os())
                .vmmOverheadBytes();
        if (h.hasHypervisor() && need > h.usableMemory()) {
            throw LabException.insufficient("VM " + name + " needs " + Sizes.format(need) + " but host " + h.name
                    + " has only " + Sizes.format(h.usableMemory()) + " for VMs", "give it less memory or a larger host");
        }
        VmHotPlug.checkRoom(name, h, spec.vcpus(), spec.memoryBytes(), spec.maxVcpus(), spec.maxMemoryBytes());
        Optional<OsProfile> os = spec.os().isEmpty() ? Optional.empty() : Optional.of(OsProfiles.get(spec.os()));
        if (os.isEmpty() && spec.disks().isEmpty()) {
            throw LabException.invalid("VM " + name + " has no disk",
                    "give it an OS profile with {os} or a disk with {disks}");
        }
        // validate every disk before creating any image
        List<Object> parsed = new ArrayList<>();
        for (int i = 0; i < spec.disks().size(); i++) { // a List.copyOf; by index, no iterator per VM of a storm
            String d = spec.disks().get(i);
            Object disk = parseDisk(name, d);
            if (disk instanceof String path && parsed.contains(path)) {
                throw LabException.invalid("VM " + name + " has " + path + " twice", "give each image once");
            }
            parsed.add(disk);
        }
        // no capturing lambda (one per VM of a storm): the profile's firmware, else what the first image boots with
        String fw = !spec.firmware().isEmpty() ? spec.firmware()
                : os.isPresent() && os.get().defaultFirmware() != null ? os.get().defaultFirmware()
                : firmwareFor(parsed);
        lab.requireExtensions(fw, spec.drivers());
        return new Checked(spec, h, os, parsed, fw, lab.extensions().layoutName(fw), restored);
    }

    /** Makes the VM {@link #check} passed: its images, its machine, its log line. */
    private void make(Checked c) {
        VmSpec spec = c.spec();
        String name = spec.name();
        HostMachine h = c.host();
        Optional<OsProfile> os = c.os();
        List<Object> parsed = c.disks();
        String fw = c.firmware();
        String layout = c.layout();
        boolean restored = c.restored();
        List<VmDisk> disks = new ArrayList<>();
        if (os.isPresent() && !restored) {
            String dev = "disk0";
            disks.add(new VmDisk(dev, lab.images().createOverlay(name, dev, os.get(), layout), os.get().imageSize(), true));
        }
        for (int i = 0; i < parsed.size(); i++) {
            Object p = parsed.get(i);
            String dev = "disk" + disks.size();
            if (p instanceof Long size) {
                disks.add(new VmDisk(dev, lab.images().createBlank(name, dev, size), size, true));
            } else {
                String path = (String) p;
                disks.add(new VmDisk(dev, path, lab.images().attach(path).virtualSize(), false));
            }
        }
        for (int i = 0; i < disks.size(); i++) { // by index: no iterator per VM of a storm
            VmDisk d = disks.get(i);
            if (!restored) { // a restored disk starts tracking once its bytes are in (LabBackups.restored)
                lab.images().trackWrites(d.path()); // a first backup finds a dirty bitmap that has seen every write
            }
        }
        VmMachine vm = new VmMachine(lab.env, name, h.name, spec.vcpus(), spec.memoryBytes(), fw,
                os.map(OsProfile::id).orElse(""), spec.drivers(), spec.bootPriority(), disks);
        vm.setHotPlugRoom(spec.maxVcpus(), spec.maxMemoryBytes());
        lab.recordOrigins(fw, spec.drivers());
        lab.add(vm);
        lab.log(name, "created on", h.name); // the same line, built only when a log keeps it
        if (!spec.workload().isEmpty()) {
            vm.setWorkload(spec.workload());
        }
    }

    /**
     * The firmware a VM without --os or --firmware gets: UEFI when its first attached image only UEFI can boot (a GPT
     * disk with an EFI System Partition, as Windows Setup makes), SeaBIOS otherwise, as virt-install defaults to it.
     */
    private String firmwareFor(List<Object> parsed) {
        if (!parsed.isEmpty() && parsed.getFirst() instanceof String path) {
            try {
                BootDiskProbe.Report r = BootDiskProbe.probe(lab.images().open(path));
                if (r.uefiBootable() && !r.biosBootable()) {
                    return "uefi";
                }
            } catch (IOException e) {
                return "bios"; // an unreadable boot sector: the BIOS will say so when the VM starts
            }
        }
        return "bios";
    }

    /**
     * A size ({@code 20GiB}: a blank disk, as a Long) or the path of an image to attach (a String, made absolute: a
     * relative path resolves against the working directory, as for the {@code disk} commands).
     */
    private Object parseDisk(String vm, String text) {
        if (!text.isEmpty() && Character.isDigit(text.charAt(0)) && !text.contains("/")) {
            long size = Sizes.parse(text);
            if (size < Sizes.MiB || size > 64 * Sizes.TiB) {
                throw LabException.invalid("VM " + vm + ": disk size " + Sizes.format(size) + " is out of range",
                        "1 MiB to 64 TiB");
            }
            return size;
        }
        String path = DiskFiles.absolute(text);
        lab.disks.requireAttachable(vm, path);
        try {
            lab.images().attach(path); // checked in full before anything is written into it
        } catch (LabException e) {
            throw e;
        } catch (RuntimeException e) {
            throw LabException.invalid("VM " + vm + ": cannot attach '" + text + "': " + e.getMessage(),
                    "give the path of a qcow2 or raw image, or a size such as 20GiB");
        }
        return path;
    }

    void delete(String name) {
        VmMachine vm = lab.vmMachine(name);
        vm.lifecycle.check(VmLifecycle.Action.DELETE);
        vm.requireNoLinkedClones("deleting it");
        vm.stopPlan();
        lab.removeVm(vm);
        for (VmDisk d : vm.disks) {
            if (d.owned()) {
                lab.images().delete(d.path());
            }
        }
        for (String base : vm.linkedDisks()) {
            if (lab.vms.values().stream().noneMatch(v -> v.linkedDisks().contains(base))) {
                lab.images().holdReadOnly(base, false); // its last linked clone is gone: its VM may write it again
            }
        }
        lab.log(name, "deleted");
    }
}
