package dev.hyperlab.shell.completion;

import java.util.Collections;
import java.util.Iterator;

/**
 * Marks an option or parameter as taking a live name of some kind, for Tab completion:
 * {@code @Parameters(completionCandidates = LiveNames.Vms.class)}. picocli instantiates the class; the shell's
 * completer sees it is a {@code LiveNames} and asks the {@link NameProvider} registered for {@link #kind()}. As an
 * {@link Iterable} it is empty (the names are live, not fixed).
 */
public abstract class LiveNames implements Iterable<String> {
    private final String kind;

    protected LiveNames(String kind) {
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    @Override
    public Iterator<String> iterator() {
        return Collections.emptyIterator();
    }

    /** Existing hosts. */
    public static final class Hosts extends LiveNames {
        public static final String KIND = "host";

        public Hosts() {
            super(KIND);
        }
    }

    /** The workloads {@code --workload} takes: built-in and the lab's own. */
    public static final class Workloads extends LiveNames {
        public static final String KIND = "workload";

        public Workloads() {
            super(KIND);
        }
    }

    /** Existing VMs. */
    public static final class Vms extends LiveNames {
        public static final String KIND = "vm";

        public Vms() {
            super(KIND);
        }
    }

    /** The snapshots of the VM named earlier on the command line. */
    public static final class Snapshots extends LiveNames {
        public static final String KIND = "snapshot";

        public Snapshots() {
            super(KIND);
        }
    }

    /** Disk images the lab knows (their paths). */
    public static final class Disks extends LiveNames {
        public static final String KIND = "disk";

        public Disks() {
            super(KIND);
        }
    }

    /** Existing hosts and VMs (timeline). */
    public static final class Machines extends LiveNames {
        public static final String KIND = "machine";

        public Machines() {
            super(KIND);
        }
    }

    /** OS profile ids. */
    public static final class OsProfiles extends LiveNames {
        public static final String KIND = "os";

        public OsProfiles() {
            super(KIND);
        }
    }

    /** Firmware model ids (built-in and plugins'). */
    public static final class Firmware extends LiveNames {
        public static final String KIND = "firmware";

        public Firmware() {
            super(KIND);
        }
    }

    /** Guest driver ids (built-in and plugins'). */
    public static final class Drivers extends LiveNames {
        public static final String KIND = "driver";

        public Drivers() {
            super(KIND);
        }
    }

    /** Host or VM state ids, depending on the command line. */
    public static final class States extends LiveNames {
        public static final String KIND = "state";

        public States() {
            super(KIND);
        }
    }

    /** What {@code wait} waits for: {@code host}/{@code vm}, then a name of that kind. */
    public static final class WaitTargets extends LiveNames {
        public static final String KIND = "wait-target";

        public WaitTargets() {
            super(KIND);
        }
    }

    /** Hypervisor types ({@code type1}, {@code type2}). */
    public static final class Hypervisors extends LiveNames {
        public static final String KIND = "hypervisor";

        public Hypervisors() {
            super(KIND);
        }
    }

    /** Host OSes under a type 2 hypervisor. */
    public static final class HostOses extends LiveNames {
        public static final String KIND = "host-os";

        public HostOses() {
            super(KIND);
        }
    }

    /** Installed plugins (listing them loads the plugin system). */
    public static final class Plugins extends LiveNames {
        public static final String KIND = "plugin";

        public Plugins() {
            super(KIND);
        }
    }

    /** Command groups and their verbs ({@code help}). */
    public static final class CommandNames extends LiveNames {
        public static final String KIND = "command";

        public CommandNames() {
            super(KIND);
        }
    }
}
