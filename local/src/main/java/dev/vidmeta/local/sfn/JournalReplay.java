package dev.vidmeta.local.sfn;

import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import dev.vidmeta.local.sfn.Definition.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an execution back from its journal ({@link Journals}): its history as it was appended, its status, and
 * where each of its runs stands ({@link Phase}), so that the engine can go on with a running execution after a
 * restart ({@code Interpreter#resume}), redrive a closed one, or answer DescribeExecution and
 * GetExecutionHistory for it.
 *
 * <p>The lines after the first: {@code event} lines are history events, with what the engine needs beyond the
 * event (the variables at StateEntered and StateExited, where a StateExited goes next, a task's token,
 * invocation and deadlines at TaskStarted, the children's inputs at ParallelStateStarted and MapStateStarted,
 * the gathered result or error at their end); {@code wait}, {@code retry} and {@code heartbeat} lines hold
 * absolute deadlines; {@code end} lines the outcome of a Parallel branch or Map iteration; {@code timeout} the
 * machine's TimeoutSeconds deadline.
 */
final class JournalReplay {

    /** Where a run stood when the journal ended. */
    sealed interface Phase permits Entered, TaskOpen, RetryAt, WaitUntil, Branches, BodyDone, Exited {
    }

    /** It entered its state and had not yet acted on it. */
    record Entered(boolean resuming) implements Phase {
    }

    /** A task attempt is open: waiting on its function, or on its token once {@code submitted}. */
    record TaskOpen(String token, String resource, String function, String payloadJson, Integer timeoutSeconds,
            Instant timeoutAt, Integer heartbeatSeconds, Instant heartbeatAt, boolean submitted) implements Phase {

        TaskOpen withSubmitted() {
            return new TaskOpen(token, resource, function, payloadJson, timeoutSeconds, timeoutAt, heartbeatSeconds,
                    heartbeatAt, true);
        }

        TaskOpen heartbeatAt(Instant at) {
            return new TaskOpen(token, resource, function, payloadJson, timeoutSeconds, timeoutAt, heartbeatSeconds,
                    at, submitted);
        }
    }

    /** A retry of its state is due at {@code at}. */
    record RetryAt(Instant at) implements Phase {
    }

    /** A Wait state ends at {@code at}. */
    record WaitUntil(Instant at) implements Phase {
    }

    /** Its Parallel or Map state runs its children. */
    record Branches(int maxConcurrency, Map<String, Object> tolerance) implements Phase {
    }

    /** The body of its Task, Parallel or Map state ended, with a result or an error. */
    record BodyDone(Object result, StatesError error) implements Phase {
    }

    /** It left its state for {@code next}, or ended its branch when that is null. */
    record Exited(Object output, String next) implements Phase {
    }

    private final Execution execution;
    private final Map<String, Run> runs = new HashMap<>();
    private Execution.Status status = Execution.Status.RUNNING;
    private Instant stopDate;
    private String outputJson;
    private String error;
    private String cause;
    private int redriveCount;
    private Instant redriveDate;
    private Instant timeoutAt;

    private JournalReplay(Execution execution) {
        this.execution = execution;
    }

    /**
     * The execution journaled in {@code file}, its runs in progress carrying generation 1; null when the file
     * does not even hold its first line whole. A last line cut short by a crash is left out.
     */
    static Execution read(Path file, ExecutionListener listener) {
        List<String> lines = lines(file);
        Map<String, Object> header = lines.isEmpty() ? null : parse(lines.getFirst());
        if (header == null) {
            return null;
        }
        String definition = (String) header.get("definition");
        StateMachine machine = new StateMachine((String) header.get("machineArn"), (String) header.get("machineName"),
                definition, definition(definition), (String) header.get("roleArn"),
                instant(header.get("startDate")));
        String inputJson = (String) header.get("input");
        Execution ex = new Execution(machine, (String) header.get("arn"), (String) header.get("name"), inputJson,
                Json.parse(inputJson), instant(header.get("startDate")), listener);
        JournalReplay replay = new JournalReplay(ex);
        for (String text : lines.subList(1, lines.size())) {
            Map<String, Object> line = parse(text);
            // Only the last line can be torn (a crash inside its write); reopening the journal cuts it off.
            if (line != null) {
                replay.apply(line);
            }
        }
        replay.finish();
        return ex;
    }

    /**
     * Decoded leniently: a last line torn inside a multi-byte character must read as a torn line (cut off), not
     * fail the whole file as {@code Files.readAllLines} would.
     */
    private static List<String> lines(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the Step Functions journal " + file, e);
        }
    }

    /**
     * What ListExecutions needs of the execution journaled in {@code file}, without output, error and cause,
     * read cheaply: only the first line and the lines of execution-level events are parsed, and the definition
     * is not. Null when the file does not hold its first line whole.
     */
    static Execution.Summary summarize(Path file) {
        List<String> lines = lines(file);
        Map<String, Object> header = lines.isEmpty() ? null : parse(lines.getFirst());
        if (header == null) {
            return null;
        }
        Execution.Status status = Execution.Status.RUNNING;
        Instant stopDate = null;
        Instant redriveDate = null;
        int redriveCount = 0;
        int events = 0;
        for (String text : lines.subList(1, lines.size())) {
            if (!text.startsWith(EVENT_LINE)) {
                continue;
            }
            Map<String, Object> line = text.contains(EXECUTION_EVENT) ? parse(text) : Map.of();
            if (line == null) {
                continue;
            }
            events++;
            String type = (String) line.get("type");
            if (type == null || type.equals("ExecutionStarted")) {
                continue;
            }
            Instant at = instant(line.get("timestamp"));
            switch (type) {
                case "ExecutionSucceeded" -> status = Execution.Status.SUCCEEDED;
                case "ExecutionFailed" -> status = Execution.Status.FAILED;
                case "ExecutionAborted" -> status = Execution.Status.ABORTED;
                case "ExecutionTimedOut" -> status = Execution.Status.TIMED_OUT;
                case "ExecutionRedriven" -> {
                    status = Execution.Status.RUNNING;
                    redriveCount++;
                    redriveDate = at;
                }
                default -> {
                    continue;
                }
            }
            stopDate = status == Execution.Status.RUNNING ? null : at;
        }
        return new Execution.Summary((String) header.get("arn"), (String) header.get("machineArn"),
                (String) header.get("name"), status, instant(header.get("startDate")), stopDate, redriveCount,
                redriveDate, null, null, null, events);
    }

    /** Every event line starts so (Execution's journal lines put "line" first), and execution events hold this. */
    private static final String EVENT_LINE = "{\"line\":\"event\"";
    private static final String EXECUTION_EVENT = "\"type\":\"Execution";

    /** Parsed definitions by text: every execution of a state machine shares one. */
    private static final Map<String, Definition> DEFINITIONS = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Definition> eldest) {
            return size() > 8;
        }
    };

    private static Definition definition(String text) {
        synchronized (DEFINITIONS) {
            Definition cached = DEFINITIONS.get(text);
            if (cached != null) {
                return cached;
            }
        }
        Definition parsed = DefinitionParser.parse(text);
        synchronized (DEFINITIONS) {
            DEFINITIONS.put(text, parsed);
        }
        return parsed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String text) {
        try {
            return Json.parse(text) instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private void apply(Map<String, Object> line) {
        Run run = line.get("run") == null ? null : runs.get((String) line.get("run"));
        switch ((String) line.get("line")) {
            case "event" -> event(run, line);
            case "timeout" -> timeoutAt = instant(line.get("at"));
            case "wait" -> run.phase = new WaitUntil(instant(line.get("at")));
            // A heartbeat or TaskSubmitted can be journaled just after its task closed (a callback raced it): it
            // then changes nothing, as it changed nothing when it was written.
            case "heartbeat" -> {
                if (run.phase instanceof TaskOpen open) {
                    run.phase = open.heartbeatAt(instant(line.get("at")));
                }
            }
            case "retry" -> {
                List<Number> attempts = (List<Number>) line.get("attempts");
                run.retryAttempts = attempts.stream().mapToInt(Number::intValue).toArray();
                run.retryCount = ((Number) line.get("retryCount")).intValue();
                run.phase = new RetryAt(instant(line.get("at")));
            }
            case "end" -> {
                if ("SUCCEEDED".equals(line.get("status"))) {
                    run.succeeded(line.get("output"));
                } else {
                    run.failed(new StatesError((String) line.get("error"), (String) line.get("cause")));
                }
                run.phase = null;
            }
            default -> {
                // A line of a later version of this engine: nothing this one can use.
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void event(Run run, Map<String, Object> line) {
        long id = ((Number) line.get("id")).longValue();
        Instant at = instant(line.get("timestamp"));
        String type = (String) line.get("type");
        Map<String, Object> details = (Map<String, Object>) line.get("details");
        if (type.equals("ExecutionStarted")) {
            run = new Run(execution, null, execution.machine.definition().root(), new Scope(null), execution.input, -1);
            runs.put(run.path, run);
        }
        execution.restore(new HistoryEvent(id, ((Number) line.get("previousEventId")).longValue(), at, type,
                (String) line.get("detailsKey"), details));
        if (run != null) {
            run.lastEventId = id;
        }
        switch (type) {
            case "ExecutionSucceeded" -> close(Execution.Status.SUCCEEDED, at, (String) details.get("output"), null,
                    null);
            case "ExecutionFailed" -> close(Execution.Status.FAILED, at, null, (String) details.get("error"),
                    (String) details.get("cause"));
            case "ExecutionAborted" -> close(Execution.Status.ABORTED, at, null, (String) details.get("error"),
                    (String) details.get("cause"));
            case "ExecutionTimedOut" -> close(Execution.Status.TIMED_OUT, at, null, (String) details.get("error"),
                    (String) details.get("cause"));
            case "ExecutionRedriven" -> {
                close(Execution.Status.RUNNING, null, null, null, null);
                redriveCount = ((Number) details.get("redriveCount")).intValue();
                redriveDate = at;
                // A redrive re-enters the state the run stopped in (Interpreter#proceed).
                Run root = runs.get("");
                root.restart(0);
                root.phase = null;
            }
            case "TaskStarted" -> {
                Map<String, Object> task = (Map<String, Object>) line.get("task");
                run.phase = new TaskOpen((String) task.get("token"), (String) details.get("resource"),
                        (String) task.get("function"), (String) task.get("payload"),
                        integer(task.get("timeoutSeconds")), instant(task.get("timeoutAt")),
                        integer(task.get("heartbeatSeconds")), instant(task.get("heartbeatAt")), false);
            }
            case "TaskSubmitted" -> {
                if (run.phase instanceof TaskOpen open) {
                    run.phase = open.withSubmitted();
                }
            }
            case "TaskSucceeded" -> run.phase = new BodyDone(Json.parse((String) details.get("output")), null);
            case "TaskFailed", "TaskTimedOut" -> run.phase = new BodyDone(null,
                    new StatesError((String) details.get("error"), (String) details.get("cause")));
            case "ParallelStateStarted", "MapStateStarted" -> branchesStarted(run, line, id);
            case "MapIterationStarted" -> {
                Run child = run.children.get(((Number) details.get("index")).intValue());
                child.launched = true;
                child.lastEventId = id;
            }
            case "ParallelStateSucceeded", "MapStateSucceeded" -> run.phase = new BodyDone(line.get("result"), null);
            case "ParallelStateFailed", "MapStateFailed" -> run.phase = new BodyDone(null,
                    new StatesError((String) line.get("error"), (String) line.get("cause")));
            default -> {
                if (type.endsWith("StateEntered")) {
                    entered(run, line, details, at, id);
                } else if (type.endsWith("StateExited")) {
                    run.scope.restore((Map<String, Object>) line.get("variables"));
                    run.phase = new Exited(Json.parse((String) details.get("output")), (String) line.get("next"));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void entered(Run run, Map<String, Object> line, Map<String, Object> details, Instant at, long id) {
        String name = (String) details.get("name");
        boolean resuming = Boolean.TRUE.equals(line.get("resuming"));
        run.scope.restore((Map<String, Object>) line.get("variables"));
        State state = run.branch.states().get(name);
        run.entered(name, Json.parse((String) details.get("input")), at, ErrorPolicy.retriers(state).size(),
                resuming);
        run.enteredEventId = id;
        run.attempt = null;
        run.phase = new Entered(resuming);
    }

    /** A Parallel or Map state starts its children: new ones, or (redrive) the ones that did not succeed. */
    @SuppressWarnings("unchecked")
    private void branchesStarted(Run run, Map<String, Object> line, long id) {
        State state = run.branch.states().get(run.stateName);
        List<Object> inputs = (List<Object>) line.get("children");
        if (inputs != null) {
            runs.keySet().removeIf(path -> path.startsWith(run.path + "/"));
            List<Run> children = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                Definition.Branch branch = state instanceof Parallel p ? p.branches().get(i)
                        : ((MapState) state).processor();
                Run child = new Run(execution, run, branch, new Scope(run.scope), inputs.get(i), i);
                children.add(child);
                runs.put(child.path, child);
            }
            run.children = children;
        }
        boolean parallel = state instanceof Parallel;
        for (Run child : run.children) {
            if (child.status != Run.Status.SUCCEEDED || inputs != null) {
                child.restart(0);
                child.phase = null;
                child.launched = parallel;
                if (parallel) {
                    child.lastEventId = id;
                }
            }
        }
        Number limit = (Number) line.get("maxConcurrency");
        run.phase = new Branches(limit == null ? 0 : limit.intValue(), (Map<String, Object>) line.get("tolerance"));
    }

    private void close(Execution.Status newStatus, Instant at, String output, String closeError, String closeCause) {
        status = newStatus;
        stopDate = at;
        outputJson = output;
        error = closeError;
        cause = closeCause;
    }

    /** Gives the runs still in progress generation 1, the execution's own once it is restored. */
    private void finish() {
        int gen = 1;
        Run root = runs.get("");
        if (status == Execution.Status.RUNNING && root != null) {
            adopt(root, gen);
        }
        execution.restore(root, gen, new Execution.Summary(execution.arn, execution.machine.arn(), execution.name,
                status, execution.startDate, stopDate, redriveCount, redriveDate, outputJson, error, cause,
                execution.historySize()), timeoutAt);
    }

    private static void adopt(Run run, int gen) {
        if (run.status == Run.Status.SUCCEEDED || run.status == Run.Status.FAILED) {
            return;
        }
        run.restart(gen);
        if (run.phase instanceof Branches && run.children != null) {
            run.children.forEach(child -> adopt(child, gen));
        }
    }

    private static Instant instant(Object epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(((Number) epochMillis).longValue());
    }

    private static Integer integer(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }
}
