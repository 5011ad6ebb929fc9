package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmInfo;

/** A VM's hot-add room in words, for the lines vm create, vm set and vm info print. */
final class HotPlugRoom {
    private HotPlugRoom() {}

    /** {@code ", hot-add up to 8 vCPUs and 16 GiB"}, or empty when it has no room. */
    static String describe(VmInfo i) {
        String room = room(i);
        return room.isEmpty() ? "" : ", hot-add " + room;
    }

    /** {@code "up to 8 vCPUs and 16 GiB"}, or empty when it has no room. */
    static String room(VmInfo i) {
        boolean cpus = i.maxVcpus() > i.vcpus();
        boolean mem = i.maxMemory() > i.memory();
        if (!cpus && !mem) {
            return "";
        }
        return "up to " + (cpus ? i.maxVcpus() + " vCPUs" : "") + (cpus && mem ? " and " : "")
                + (mem ? Sizes.format(i.maxMemory()) : "");
    }
}
