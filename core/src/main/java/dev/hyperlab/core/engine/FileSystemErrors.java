package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.storage.fs.FsException;

/** A file system's refusal ({@link FsException}) as the lab reports it: one line, with what to do next. */
final class FileSystemErrors {
    private FileSystemErrors() {}

    static LabException of(FsException e) {
        String m = e.getMessage();
        return switch (e.reason()) {
            case NO_SUCH_PATH -> LabException.notFound(m, "disk ls IMAGE DIR lists a directory's entries");
            case NOT_A_DIRECTORY -> LabException.invalid(m, "a name below a file or device; disk ls -l IMAGE DIR shows "
                    + "what each entry is");
            case NOT_A_FILE -> LabException.invalid(m, "disk cat reads regular files; {copyFiles.directory} "
                    + "copies it");
            case NO_PARTITION -> LabException.notFound(m, "{partition} N picks one; leave it out for the first "
                    + "partition that holds a file system");
            case UNKNOWN_FILE_SYSTEM -> LabException.invalid(m, "hyperlab reads ext2/3/4 and FAT; {partition} N picks "
                    + "another partition");
            case DAMAGED -> LabException.invalid(m, "the file system is damaged: e2fsck -n or fsck.fat -n on a copy "
                    + "tells more");
        };
    }
}
