package io.smsotp.dispatcher.consumer;

/** How a defect of ours is logged: its type and where it was thrown, never its message (it could quote a value). */
final class Defects {

    private Defects() {
    }

    static String describe(Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        return e.getClass().getName() + " at " + (frames.length > 0 ? frames[0] : null);
    }
}
