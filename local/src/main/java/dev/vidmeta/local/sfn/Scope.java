package dev.vidmeta.local.sfn;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Workflow variables of one scope: the top-level states share one; each Parallel branch and Map iteration
 * gets its own whose parent is the enclosing scope. Inner scopes read outer variables; they cannot write
 * them ({@link DefinitionParser} rejects an inner Assign of a name an outer state assigns), so values flow
 * outwards only through Output, as https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 * describes.
 *
 * <p>Only the branch that owns a scope writes it, one state at a time, but the engine's threads hand the
 * branch to one another, hence the synchronization.
 */
final class Scope {

    private final Scope parent;
    private final Map<String, Object> own = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    synchronized void assign(Map<String, Object> values) {
        own.putAll(values);
    }

    /** Every visible variable, inner names shadowing outer ones. */
    Map<String, Object> visible() {
        Map<String, Object> all = parent == null ? new LinkedHashMap<>() : parent.visible();
        synchronized (this) {
            all.putAll(own);
        }
        return all;
    }

    /** This scope's own values, to restore them when a redrive resumes the state that failed. */
    synchronized Map<String, Object> snapshot() {
        return new HashMap<>(own);
    }

    synchronized void restore(Map<String, Object> snapshot) {
        own.clear();
        own.putAll(snapshot);
    }
}
