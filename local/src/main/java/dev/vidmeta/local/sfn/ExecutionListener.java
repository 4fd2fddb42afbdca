package dev.vidmeta.local.sfn;

/**
 * In-process observer of history events as they are recorded, for live progress views. Called on the engine's
 * threads, in event order per branch; implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface ExecutionListener {

    void onEvent(String executionArn, HistoryEvent event);
}
