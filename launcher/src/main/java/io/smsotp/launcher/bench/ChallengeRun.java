package io.smsotp.launcher.bench;

import java.util.ArrayList;
import java.util.List;

/** What happened to one challenge of the fault test's load, as its client saw it. */
final class ChallengeRun {

    final String number;
    /** When the create was sent (epoch ms). */
    final long sentAt;
    private volatile long createNanos = -1;
    private volatile String id;
    private volatile String createError;
    private volatile boolean hung;
    private volatile long smsAt = -1;
    private volatile int validAnswers;
    private volatile boolean approvedEarlier;
    private volatile int verifyRetries;
    private final List<String> notes = new ArrayList<>();

    ChallengeRun(String number, long sentAt) {
        this.number = number;
        this.sentAt = sentAt;
    }

    synchronized void createFailed(long nanos, String error, boolean hung) {
        this.createNanos = nanos;
        this.createError = error;
        this.hung = hung;
    }

    synchronized void created(long nanos, String id) {
        this.createNanos = nanos;
        this.id = id;
    }

    synchronized void smsArrived(long at) {
        if (smsAt < 0) {
            smsAt = at;
        }
    }

    synchronized void valid() {
        validAnswers++;
    }

    synchronized void approvedEarlier() {
        approvedEarlier = true;
    }

    synchronized void verifyRetried(String why) {
        verifyRetries++;
        if (verifyRetries <= 3) {
            notes.add("verify retried: " + why);
        }
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    String id() {
        return id;
    }

    /** Answered 201. */
    boolean created() {
        return id != null;
    }

    boolean answered() {
        return createNanos >= 0;
    }

    String createError() {
        return createError;
    }

    boolean hung() {
        return hung;
    }

    long createMillis() {
        return createNanos / 1_000_000;
    }

    /** Its SMS reached the gateway; -1 when it never did. */
    long smsMillis() {
        return smsAt < 0 ? -1 : smsAt - sentAt;
    }

    synchronized boolean approved() {
        return validAnswers > 0 || approvedEarlier;
    }

    synchronized int validAnswers() {
        return validAnswers;
    }

    synchronized int verifyRetries() {
        return verifyRetries;
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }
}
