package dev.hyperlab.core.sim;

/** Whoever waits for an activity: told once, when the activity's work is done. */
public interface ActivityOwner {
    void activityDone(Activity activity, long now);
}
