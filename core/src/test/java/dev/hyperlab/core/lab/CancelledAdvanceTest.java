package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.RunProgress;
import dev.hyperlab.core.storage.QemuImg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling an advance through the facade (an interrupt of the calling thread, from another thread, as JShell's stop
 * or any Java caller does it) while the guests' writes go into the images: it stops part-way, the lab saved there and
 * exactly as a lab advanced to that time directly, so wall-clock time decides only where a cancel stops.
 */
class CancelledAdvanceTest {
    @TempDir
    Path tmp;

    @Test
    void anAdvanceInterruptedMidWayLeavesTheLabAsAnAdvanceToTheTimeReached() throws Exception {
        Path cancelled = tmp.resolve("cancelled");
        Duration started;
        Duration reached;
        long guestBytesSeen;
        try (LocalLab lab = Labs.open(cancelled, 5)) {
            GuestWritesTest.setUp(lab);
            started = lab.now();
            CountDownLatch writing = new CountDownLatch(1);
            AtomicReference<RunProgress> last = new AtomicReference<>();
            lab.onProgress(new ProgressListener() {
                @Override
                public void progress(Duration now, Duration target, int machinesBooting) {}

                @Override
                public void progress(RunProgress p) {
                    last.set(p);
                    if (p.guestBytesWritten() > 0) {
                        writing.countDown();
                    }
                }
            });
            Thread caller = Thread.currentThread();
            Thread.ofPlatform().start(() -> {
                try {
                    if (writing.await(60, TimeUnit.SECONDS)) {
                        caller.interrupt(); // mid-way through the guests' writes into their images
                    }
                } catch (InterruptedException e) {
                    // the test ended first
                }
            });
            assertThatThrownBy(() -> lab.advance(Duration.ofDays(3650)))
                    .isInstanceOfSatisfying(LabException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LabException.Kind.CANCELLED);
                        assertThat(e.getMessage()).startsWith("cancelled at lab time ");
                    });
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is answered by CANCELLED").isFalse();
            reached = lab.now();
            assertThat(reached).as("stopped part-way").isGreaterThan(started).isLessThan(Duration.ofDays(3650));
            guestBytesSeen = last.get().guestBytesWritten();
            assertThat(guestBytesSeen).isPositive();
            assertThat(last.get().target()).isEqualTo(started.plus(Duration.ofDays(3650)));
            lab.advance("1s"); // the lab's files are open and usable: the interrupt never reached their I/O
        }
        Path direct = tmp.resolve("direct");
        try (LocalLab lab = Labs.open(direct, 5)) {
            GuestWritesTest.setUp(lab);
            lab.advance(reached.minus(started));
            lab.advance("1s");
        }
        String image = "vms/win/disk0.qcow2";
        assertThat(GuestWritesTest.ownData(cancelled.resolve(image)))
                .as("the guest's bytes are those of an advance straight to the time the cancel stopped at")
                .isEqualTo(GuestWritesTest.ownData(direct.resolve(image)));
        assertThat(changed(cancelled.resolve(image))).as("and its dirty bitmap")
                .isEqualTo(changed(direct.resolve(image)));
        assertThat(Files.readString(cancelled.resolve("lab.json"))).isEqualTo(Files.readString(direct.resolve("lab.json")));
        assertThat(Files.readString(cancelled.resolve("events.log")))
                .isEqualTo(Files.readString(direct.resolve("events.log")));
        QemuImg.require();
        QemuImg.img("check", cancelled.resolve(image).toString()).ok();
    }

    private static java.util.List<dev.hyperlab.api.spi.ByteRange> changed(Path image) throws Exception {
        try (var img = dev.hyperlab.core.storage.DiskImages.openQcow2(image, true)) {
            return dev.hyperlab.core.backup.Qcow2BitmapTracker.of(img).orElseThrow().changed();
        }
    }
}
