package dev.hyperlab.shell.command;

/**
 * The headings {@code help} lists command groups under, in this order (the shell contract's sections). A later
 * feature adds its heading here (Memory, Disk images, Snapshots, Backups, Plugins and scripting).
 */
public enum Section {
    LAB("Lab and clock"),
    HOSTS("Hosts and hypervisors"),
    VMS("Virtual machines"),
    MEMORY("Memory"),
    DISKS("Disk images"),
    SNAPSHOTS("Snapshots"),
    BACKUPS("Backups"),
    TIMELINES("Timelines"),
    PLUGINS("Plugins and scripting"),
    SHELL("Shell");

    private final String title;

    Section(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
