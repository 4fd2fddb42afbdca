package dev.vidmeta.local.sfn;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The executions the service knows. Running ones live in memory. With a journal ({@link Journals}), a closed
 * one leaves memory as soon as it closes: only a small summary stays for ListExecutions, and DescribeExecution,
 * GetExecutionHistory and RedriveExecution read it back from its journal, keeping the last few read
 * ({@link #RECENT}) so that a client that polls one does not read it each time. So a long {@code local up}
 * holds the running executions, the summaries and the few recent ones, however many ran. Without a journal
 * everything stays in memory, as before.
 */
final class ExecutionStore {

    /** How many closed executions stay whole in memory after they are read or closed. */
    static final int RECENT = 16;
    private static final Set<String> CLOSING = Set.of("ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted",
            "ExecutionTimedOut");

    private final Journals journals;
    private final ExecutionListener listener;
    private final Map<String, Execution> live = new ConcurrentHashMap<>();
    /** Closed executions out of memory: their summaries without output, error and cause. */
    private final Map<String, Execution.Summary> closed = new ConcurrentHashMap<>();
    private final Map<String, Execution> recent = new LinkedHashMap<>(RECENT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Execution> eldest) {
            return size() > RECENT;
        }
    };
    /** Executions per state machine in start order, with a sequence number used as the paging cursor. */
    private final Map<String, List<Entry>> byMachine = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    /** Running executions read back from the journal, by state machine ARN, until that machine exists again. */
    private final Map<String, List<Execution>> awaitingMachine = new ConcurrentHashMap<>();

    record Entry(long sequence, String arn) {
    }

    /** @param journals where executions are journaled; null to keep them in memory only */
    ExecutionStore(Journals journals, ExecutionListener listener) {
        this.journals = journals;
        this.listener = listener;
    }

    /**
     * Reads every journaled execution back: closed ones as summaries, running ones whole, each waiting for its
     * state machine ({@link #awaitingMachine}). Returns the running ones.
     */
    List<Execution> load() {
        if (journals == null) {
            return List.of();
        }
        List<Execution.Summary> summaries = new ArrayList<>();
        for (Path file : journals.files()) {
            Execution.Summary summary = readable(file, () -> JournalReplay.summarize(file));
            if (summary != null) {
                summaries.add(summary);
            }
        }
        summaries.sort(Comparator.comparing(Execution.Summary::startDate).thenComparing(Execution.Summary::arn));
        List<Execution> running = new ArrayList<>();
        for (Execution.Summary summary : summaries) {
            if (summary.status() != Execution.Status.RUNNING) {
                index(summary.machineArn(), summary.arn());
                closed.put(summary.arn(), summary);
                continue;
            }
            Path file = journals.fileOf(summary.arn());
            Execution ex = readable(file, () -> JournalReplay.read(file, this::onEvent));
            if (ex == null) {
                continue;
            }
            index(ex.machine.arn(), ex.arn);
            ex.journal(journals.reopen(ex.arn));
            live.put(ex.arn, ex);
            awaitingMachine.computeIfAbsent(ex.machine.arn(), k -> new ArrayList<>()).add(ex);
            running.add(ex);
        }
        return running;
    }

    /**
     * What {@code read} makes of a journal file, or null when it cannot: the file is then left as it is, and
     * said so on stderr, rather than keeping the runtime from starting.
     */
    private static <T> T readable(Path file, Supplier<T> read) {
        try {
            T value = read.get();
            if (value == null) {
                System.err.println("vidmeta local Step Functions: " + file + " has no whole first line; left as"
                        + " it is");
            }
            return value;
        } catch (RuntimeException e) {
            System.err.println("vidmeta local Step Functions: could not read " + file + " (" + e
                    + "); left as it is");
            return null;
        }
    }

    /** The running executions read back from the journal that wait for state machine {@code machineArn}. */
    List<Execution> takeAwaiting(String machineArn) {
        List<Execution> waiting = awaitingMachine.remove(machineArn);
        return waiting == null ? List.of() : waiting;
    }

    /** Adds a new execution and opens its journal; the caller made sure that {@code arn} is free. */
    Execution create(StateMachine machine, String arn, String name, String inputJson, Object input,
            Instant startDate) {
        Execution ex = new Execution(machine, arn, name, inputJson, input, startDate, this::onEvent);
        if (journals != null) {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("line", "execution");
            header.put("arn", arn);
            header.put("name", name);
            header.put("machineArn", machine.arn());
            header.put("machineName", machine.name());
            header.put("roleArn", machine.roleArn());
            header.put("definition", machine.definitionText());
            header.put("input", inputJson);
            header.put("startDate", startDate.toEpochMilli());
            ex.journal(journals.create(arn, header));
        }
        live.put(arn, ex);
        index(machine.arn(), arn);
        return ex;
    }

    private void index(String machineArn, String arn) {
        List<Entry> list = byMachine.computeIfAbsent(machineArn, k -> new ArrayList<>());
        synchronized (list) {
            list.add(new Entry(sequence.incrementAndGet(), arn));
        }
    }

    /** The execution, read back from its journal if it is closed and out of memory; null if there is none. */
    Execution find(String arn) {
        Execution ex = live.get(arn);
        if (ex != null) {
            return ex;
        }
        synchronized (recent) {
            ex = recent.get(arn);
        }
        if (ex != null || !closed.containsKey(arn)) {
            return ex;
        }
        ex = JournalReplay.read(journals.fileOf(arn), this::onEvent);
        if (ex == null) {
            return null;
        }
        ex.journal(journals.reopen(arn));
        synchronized (recent) {
            recent.put(arn, ex);
        }
        return ex;
    }

    /** Whether an execution of that ARN exists, running or closed. */
    boolean exists(String arn) {
        return live.containsKey(arn) || closed.containsKey(arn);
    }

    /** The summary ListExecutions reports (without output, error and cause). */
    Execution.Summary summary(String arn) {
        Execution ex = live.get(arn);
        if (ex != null) {
            return ex.summary();
        }
        Execution.Summary summary = closed.get(arn);
        if (summary == null) {
            synchronized (recent) {
                ex = recent.get(arn);
            }
            summary = ex == null ? null : ex.summary();
        }
        return summary;
    }

    List<Entry> entries(String machineArn) {
        List<Entry> list = byMachine.getOrDefault(machineArn, List.of());
        synchronized (list) {
            return new ArrayList<>(list);
        }
    }

    /** A closed execution runs again (RedriveExecution): it is back in memory until it closes. */
    void reopened(Execution ex) {
        live.put(ex.arn, ex);
        closed.remove(ex.arn);
        synchronized (recent) {
            recent.remove(ex.arn);
        }
    }

    /** Executions held whole in memory: the running ones and the recent closed ones. */
    int inMemory() {
        synchronized (recent) {
            return live.size() + recent.size();
        }
    }

    /** Passes every event on; a closing event moves its execution out of memory when there is a journal. */
    private void onEvent(String arn, HistoryEvent event) {
        if (journals != null && CLOSING.contains(event.type())) {
            Execution ex = live.get(arn);
            if (ex != null && !ex.isRunning()) {
                synchronized (recent) {
                    recent.put(arn, ex);
                }
                closed.put(arn, slim(ex.summary()));
                live.remove(arn);
            }
        }
        if (listener != null) {
            listener.onEvent(arn, event);
        }
    }

    private static Execution.Summary slim(Execution.Summary s) {
        return new Execution.Summary(s.arn(), s.machineArn(), s.name(), s.status(), s.startDate(), s.stopDate(),
                s.redriveCount(), s.redriveDate(), null, null, null, s.historySize());
    }
}
