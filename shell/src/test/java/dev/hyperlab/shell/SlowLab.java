package dev.hyperlab.shell;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.RunProgress;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;

/**
 * A lab whose {@code advance} takes long in wall time and keeps the facade's cancel contract: it reports progress a
 * few times a second and answers an interrupt (which a listener may deliver) with CANCELLED. Every other method is the
 * real lab's. For tests of Ctrl-C during a simulation a front end started.
 */
final class SlowLab {
    private final Lab real;
    private volatile ProgressListener listener = ProgressListener.NONE;
    volatile boolean cancelled;

    SlowLab(Lab real) {
        this.real = real;
    }

    Lab lab() {
        return (Lab) Proxy.newProxyInstance(Lab.class.getClassLoader(), new Class<?>[] {Lab.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("onProgress")) {
                        listener = (ProgressListener) args[0];
                    }
                    if (method.getName().equals("advance") && args[0] instanceof Duration d) {
                        for (int i = 0; i < 600; i++) { // at most a minute
                            listener.progress(new RunProgress(real.now(), real.now(), real.now().plus(d), true, 0, 0,
                                    0, 0, 0, Duration.ofMillis(100L * i), false));
                            try {
                                if (Thread.interrupted()) {
                                    throw new InterruptedException();
                                }
                                Thread.sleep(100);
                            } catch (InterruptedException e) {
                                cancelled = true;
                                throw new LabException(LabException.Kind.CANCELLED, "cancelled", "");
                            }
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
