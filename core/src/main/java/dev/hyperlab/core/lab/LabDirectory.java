package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.LabCodec;
import dev.hyperlab.core.engine.LabModel;
import dev.hyperlab.core.sim.EventLog;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A lab stored in a directory:
 * <pre>
 * lab.json     the whole model (rewritten by every change: temp file, fsync, atomic rename, fsync of the directory)
 * events.log   one line per simulated event, appended; lab.json records its length, and a load cuts off what a
 *              killed process appended after the last save, so log and model always agree
 * lab.lock     held while a process has the lab open: two processes never write the same lab; it names the holder
 * </pre>
 */
final class LabDirectory implements AutoCloseable {
    static final String MODEL = "lab.json";
    static final String LOG = "events.log";
    static final String LOCK = "lab.lock";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private RandomAccessFile logFile;
    private Writer logWriter;

    private LabDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating if needed) and locks a lab directory. */
    static LabDirectory open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                String holder = LabLockHolder.read(ch).map(h -> " (" + h + ")").orElse("");
                ch.close();
                throw new LabException(LabException.Kind.CONFLICT, "lab " + dir + " is open in another hyperlab process"
                        + holder, "close it there, or use another lab; a process that ended, even killed, has released it");
            }
            LabLockHolder.write(ch);
            return new LabDirectory(dir, ch, l);
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot open lab directory " + dir + ": " + e.getMessage(),
                    "check the path and its permissions", e);
        }
    }

    Path path() {
        return dir;
    }

    boolean hasModel() {
        return Files.exists(dir.resolve(MODEL));
    }

    /** Loads the stored model and reattaches the event log at the length the model was saved with. */
    LabModel load(Extensions extensions) {
        Map<String, Object> doc;
        try (InputStream in = Files.newInputStream(dir.resolve(MODEL))) {
            doc = LabCodec.readDocument(in);
            LabModel lab = LabModel.load(doc, extensions, dir);
            long logBytes = LabCodec.num(doc, "logBytes");
            attachLog(lab, logBytes);
            lab.recoverInterruptedJobs(); // a snapshot operation a killed process left half-done
            return lab;
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot load lab " + dir + ": " + e.getMessage(),
                    "the lab's lab.json is damaged; restore it from a backup or use another lab", e);
        }
    }

    /** Starts a fresh event log for a new model. */
    void attachNew(LabModel lab) {
        attachLog(lab, 0);
    }

    private void attachLog(LabModel lab, long length) {
        try {
            // streams, not FileChannels: a FileChannel closes itself when its thread is interrupted (Ctrl-C in a front
            // end interrupts the thread running the simulation, which writes this log as it goes)
            logFile = new RandomAccessFile(dir.resolve(LOG).toFile(), "rw");
            if (logFile.length() > length) {
                logFile.setLength(length); // what a killed process logged after its last save
            }
            logFile.seek(length);
            OutputStream out = new BufferedOutputStream(new FileOutputStream(logFile.getFD()), 1 << 16);
            logWriter = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            lab.sim().setLog(EventLog.to(logWriter));
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot open the event log of lab " + dir + ": " + e.getMessage(),
                    "check the directory's permissions", e);
        }
    }

    /** Saves the model: the log first (so its recorded length is on disk), then lab.json atomically. */
    void save(LabModel lab) {
        // A FileChannel closes itself when its thread is interrupted: hold a pending interrupt (a front end's
        // Ctrl-C that arrived after the simulation stopped) until the save is on disk, then set it again.
        boolean interrupted = Thread.interrupted();
        try {
            write(lab);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void write(LabModel lab) {
        try {
            lab.flushImages();
            logWriter.flush();
            logFile.getFD().sync();
            long logBytes = logFile.getFilePointer();
            Path tmp = dir.resolve(MODEL + ".tmp");
            try (FileOutputStream file = new FileOutputStream(tmp.toFile())) {
                OutputStream out = new BufferedOutputStream(file, 1 << 16);
                LabCodec.write(lab, out, Map.of("logBytes", logBytes));
                out.flush();
                file.getFD().sync();
            }
            try {
                Files.move(tmp, dir.resolve(MODEL), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(MODEL), StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot save lab " + dir + ": " + e,
                    "is the disk full? the lab is as it was before this command", e);
        }
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself is still atomic
        }
    }

    @Override
    public void close() {
        try {
            if (logWriter != null) {
                logWriter.close();
            }
            if (logFile != null) {
                logFile.close();
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // closing after a successful save loses nothing
        }
    }
}
