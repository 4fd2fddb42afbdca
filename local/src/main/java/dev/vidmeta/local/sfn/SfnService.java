package dev.vidmeta.local.sfn;

import static dev.vidmeta.local.sfn.ApiRequests.cursor;
import static dev.vidmeta.local.sfn.ApiRequests.cursorToken;
import static dev.vidmeta.local.sfn.ApiRequests.epoch;
import static dev.vidmeta.local.sfn.ApiRequests.maxResults;
import static dev.vidmeta.local.sfn.ApiRequests.optional;
import static dev.vidmeta.local.sfn.ApiRequests.putIfNotNull;
import static dev.vidmeta.local.sfn.ApiRequests.required;
import static dev.vidmeta.local.sfn.ApiRequests.validName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Step Functions API operations the project uses, on JSON request and response objects named as in the
 * service's API reference (https://docs.aws.amazon.com/step-functions/latest/apireference/). Errors are
 * {@link SfnApiException}s carrying the service's error codes.
 */
final class SfnService {

    private static final Duration REDRIVABLE_PERIOD = Duration.ofDays(14);
    private static final int MAX_REDRIVES = 1000;
    /** An execution's history holds at most 25,000 events; one that reached them cannot take a redrive's events. */
    static final int MAX_HISTORY_EVENTS = 25_000;
    /** A Standard execution is open for at most one year, redrives included. */
    private static final Duration MAX_OPEN_TIME = Duration.ofDays(365);

    private final Interpreter interpreter;
    private final String region;
    private final String account;
    private final Map<String, StateMachine> machines = new LinkedHashMap<>();
    private final ExecutionStore executions;
    private final Map<String, String> redriveTokens = new ConcurrentHashMap<>();

    /**
     * Reads back the executions journaled in {@code journals} (null for none): the open tasks of running ones
     * take their tokens again at once; each running one goes on once its state machine is created again
     * ({@link #createStateMachine}), as the local runtime's deployment does on every start.
     */
    SfnService(Interpreter interpreter, String region, String account, ExecutionListener listener,
            Journals journals) {
        this.interpreter = interpreter;
        this.region = region;
        this.account = account;
        this.executions = new ExecutionStore(journals, listener);
        executions.load().forEach(interpreter::adopt);
    }

    /** Executions held whole in memory (running, and the few recent closed ones). */
    int executionsInMemory() {
        return executions.inMemory();
    }

    Map<String, Object> call(String operation, Map<String, Object> request) {
        return switch (operation) {
            case "CreateStateMachine" -> createStateMachine(request);
            case "DescribeStateMachine" -> describeStateMachine(request);
            case "ListStateMachines" -> listStateMachines(request);
            case "StartExecution" -> startExecution(request);
            case "DescribeExecution" -> describeExecution(request);
            case "ListExecutions" -> listExecutions(request);
            case "GetExecutionHistory" -> getExecutionHistory(request);
            case "StopExecution" -> stopExecution(request);
            case "RedriveExecution" -> redriveExecution(request);
            case "SendTaskSuccess" -> callback(request, token -> interpreter.tasks().sendTaskSuccess(token,
                    required(request, "output")));
            case "SendTaskFailure" -> callback(request, token -> interpreter.tasks().sendTaskFailure(token,
                    optional(request, "error"), optional(request, "cause")));
            case "SendTaskHeartbeat" -> callback(request, token -> interpreter.tasks().sendTaskHeartbeat(token));
            default -> throw new SfnApiException("UnknownOperationException", "Operation " + operation
                    + " is not supported by the local Step Functions");
        };
    }

    /**
     * A task token callback. A token whose task has ended is TaskTimedOut, one never issued TaskDoesNotExist
     * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html): the task runner
     * only keeps the tokens of open tasks, so a token it does not know is told apart by its execution.
     */
    private Map<String, Object> callback(Map<String, Object> request, Consumer<String> send) {
        String token = required(request, "taskToken");
        try {
            send.accept(token);
        } catch (SfnApiException e) {
            if ("TaskDoesNotExist".equals(e.type()) && executions.exists(TaskRunner.executionOf(token))) {
                throw TaskRunner.closed();
            }
            throw e;
        }
        return Map.of();
    }

    // ---------------------------------------------------------------- state machines

    private Map<String, Object> createStateMachine(Map<String, Object> request) {
        String name = validName(required(request, "name"));
        String definitionText = required(request, "definition");
        String roleArn = required(request, "roleArn");
        Object type = request.getOrDefault("type", "STANDARD");
        if (!"STANDARD".equals(type)) {
            throw new SfnApiException("ValidationException", "Only STANDARD state machines run locally, not "
                    + type);
        }
        if (Boolean.TRUE.equals(request.get("publish"))) {
            throw new SfnApiException("ValidationException", "State machine versions (publish) are not"
                    + " supported locally");
        }
        Definition definition;
        try {
            definition = DefinitionParser.parse(definitionText);
        } catch (InvalidDefinitionException e) {
            throw new SfnApiException("InvalidDefinition", "Invalid State Machine Definition: '" + e.getMessage()
                    + "'");
        }
        String arn = "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name;
        synchronized (machines) {
            StateMachine existing = machines.get(arn);
            if (existing != null) {
                // CreateStateMachine is idempotent for an identical request.
                if (existing.definitionText().equals(definitionText) && existing.roleArn().equals(roleArn)) {
                    return Map.of("stateMachineArn", arn, "creationDate", epoch(existing.creationDate()));
                }
                throw new SfnApiException("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn
                        + "'");
            }
            StateMachine machine = new StateMachine(arn, name, definitionText, definition, roleArn,
                    interpreter.now());
            machines.put(arn, machine);
            // Executions that ran before a restart go on, each on the definition it started with (journaled), as
            // an execution keeps running on the version it started on.
            executions.takeAwaiting(arn).forEach(interpreter::resume);
            return Map.of("stateMachineArn", arn, "creationDate", epoch(machine.creationDate()));
        }
    }

    private Map<String, Object> describeStateMachine(Map<String, Object> request) {
        StateMachine machine = machine(required(request, "stateMachineArn"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stateMachineArn", machine.arn());
        out.put("name", machine.name());
        out.put("status", "ACTIVE");
        out.put("definition", machine.definitionText());
        out.put("roleArn", machine.roleArn());
        out.put("type", "STANDARD");
        out.put("creationDate", epoch(machine.creationDate()));
        out.put("loggingConfiguration", Map.of("level", "OFF", "includeExecutionData", false));
        out.put("tracingConfiguration", Map.of("enabled", false));
        return out;
    }

    private Map<String, Object> listStateMachines(Map<String, Object> request) {
        List<StateMachine> all;
        synchronized (machines) {
            all = new ArrayList<>(machines.values());
        }
        int start = request.get("nextToken") == null ? 0 : (int) cursor(optional(request, "nextToken"));
        int max = maxResults(request, 100);
        List<Object> page = new ArrayList<>();
        for (int i = start; i < all.size() && page.size() < max; i++) {
            StateMachine m = all.get(i);
            page.add(Map.of("stateMachineArn", m.arn(), "name", m.name(), "type", "STANDARD", "creationDate",
                    epoch(m.creationDate())));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stateMachines", page);
        if (start + page.size() < all.size()) {
            out.put("nextToken", cursorToken(start + page.size()));
        }
        return out;
    }

    private StateMachine machine(String arn) {
        if (!arn.startsWith("arn:aws:states:") || !arn.contains(":stateMachine:")) {
            throw new SfnApiException("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        synchronized (machines) {
            StateMachine machine = machines.get(arn);
            if (machine == null) {
                throw new SfnApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn
                        + "'");
            }
            return machine;
        }
    }

    // ---------------------------------------------------------------- executions

    private Map<String, Object> startExecution(Map<String, Object> request) {
        StateMachine machine = machine(required(request, "stateMachineArn"));
        String name = request.get("name") == null ? UUID.randomUUID().toString()
                : validName(optional(request, "name"));
        String inputJson = request.get("input") == null ? "{}" : optional(request, "input");
        Object input;
        try {
            input = Json.parse(inputJson);
        } catch (IllegalArgumentException e) {
            throw new SfnApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: '"
                    + e.getMessage() + "'");
        }
        if (Json.utf8Size(inputJson) > Evaluation.MAX_PAYLOAD_BYTES) {
            throw new SfnApiException("InvalidExecutionInput", "The input exceeds the maximum size of "
                    + Evaluation.MAX_PAYLOAD_BYTES + " bytes");
        }
        String arn = "arn:aws:states:" + region + ":" + account + ":execution:" + machine.name() + ":" + name;
        Execution execution;
        synchronized (executions) {
            Execution existing = executions.find(arn);
            if (existing != null) {
                // StartExecution is idempotent only for a running execution with the same input
                // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
                if (existing.isRunning() && existing.inputJson.equals(inputJson)) {
                    return Map.of("executionArn", arn, "startDate", epoch(existing.startDate));
                }
                throw new SfnApiException("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
            }
            execution = executions.create(machine, arn, name, inputJson, input, interpreter.now());
        }
        interpreter.start(execution);
        return Map.of("executionArn", arn, "startDate", epoch(execution.startDate));
    }

    private Map<String, Object> describeExecution(Map<String, Object> request) {
        Execution ex = execution(required(request, "executionArn"));
        Execution.Summary summary = ex.summary();
        Map<String, Object> out = summaryJson(summary);
        out.put("input", ex.inputJson);
        out.put("inputDetails", Map.of("included", true));
        if (summary.outputJson() != null) {
            out.put("output", summary.outputJson());
            out.put("outputDetails", Map.of("included", true));
        }
        putIfNotNull(out, "error", summary.error());
        putIfNotNull(out, "cause", summary.cause());
        String reason = notRedrivableReason(summary);
        out.put("redriveStatus", reason == null ? "REDRIVABLE" : "NOT_REDRIVABLE");
        putIfNotNull(out, "redriveStatusReason", reason);
        return out;
    }

    /** The fields ListExecutions and DescribeExecution share. */
    private static Map<String, Object> summaryJson(Execution.Summary ex) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("executionArn", ex.arn());
        out.put("stateMachineArn", ex.machineArn());
        out.put("name", ex.name());
        out.put("status", ex.status().name());
        out.put("startDate", epoch(ex.startDate()));
        putIfNotNull(out, "stopDate", ex.stopDate() == null ? null : epoch(ex.stopDate()));
        out.put("redriveCount", ex.redriveCount());
        putIfNotNull(out, "redriveDate", ex.redriveDate() == null ? null : epoch(ex.redriveDate()));
        return out;
    }

    /**
     * Why an execution cannot be redriven, with the reasons the API documents for redriveStatusReason; null
     * when it can (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html; the conditions
     * listed in https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html: not
     * SUCCEEDED, within the 14-day redrivable period, within the one-year maximum open time, history under
     * 25,000 events). An execution that ended in a Fail state is redrivable by these rules; the redrive re-enters
     * the state that failed, the Fail state itself, so it fails again (vidmeta's {@code replay} restarts those).
     */
    private String notRedrivableReason(Execution.Summary ex) {
        return switch (ex.status()) {
            case RUNNING -> "Execution is RUNNING and cannot be redriven";
            case SUCCEEDED -> "Execution is SUCCEEDED and cannot be redriven";
            default -> {
                if (ex.stopDate() != null && ex.stopDate().plus(REDRIVABLE_PERIOD).isBefore(interpreter.now())) {
                    yield "Execution redrivable period exceeded";
                }
                if (ex.startDate().plus(MAX_OPEN_TIME).isBefore(interpreter.now())) {
                    yield "Execution has exceeded the max execution time";
                }
                if (ex.historySize() >= MAX_HISTORY_EVENTS) {
                    yield "Execution history event limit exceeded";
                }
                if (ex.redriveCount() >= MAX_REDRIVES) {
                    yield "Execution has reached the maximum number of redrives";
                }
                yield null;
            }
        };
    }

    private Map<String, Object> listExecutions(Map<String, Object> request) {
        if (request.get("mapRunArn") != null) {
            throw new SfnApiException("ValidationException", "Map Runs (distributed Map) are not supported locally");
        }
        StateMachine machine = machine(required(request, "stateMachineArn"));
        String statusFilter = optional(request, "statusFilter");
        String redriveFilter = optional(request, "redriveFilter");
        long before = request.get("nextToken") == null ? Long.MAX_VALUE : cursor(optional(request, "nextToken"));
        int max = maxResults(request, 100);
        List<ExecutionStore.Entry> snapshot = executions.entries(machine.arn());
        List<Object> page = new ArrayList<>();
        String nextToken = null;
        long lastSequence = 0;
        // Newest first, as the service lists them.
        for (int i = snapshot.size() - 1; i >= 0; i--) {
            ExecutionStore.Entry entry = snapshot.get(i);
            if (entry.sequence() >= before) {
                continue;
            }
            Execution.Summary summary = executions.summary(entry.arn());
            if (statusFilter != null && !statusFilter.equals(summary.status().name())) {
                continue;
            }
            if ("REDRIVEN".equals(redriveFilter) && summary.redriveCount() == 0
                    || "NOT_REDRIVEN".equals(redriveFilter) && summary.redriveCount() > 0) {
                continue;
            }
            if (page.size() == max) {
                nextToken = cursorToken(lastSequence);
                break;
            }
            page.add(summaryJson(summary));
            lastSequence = entry.sequence();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("executions", page);
        putIfNotNull(out, "nextToken", nextToken);
        return out;
    }

    private Map<String, Object> getExecutionHistory(Map<String, Object> request) {
        Execution ex = execution(required(request, "executionArn"));
        boolean reverse = Boolean.TRUE.equals(request.get("reverseOrder"));
        boolean includeData = !Boolean.FALSE.equals(request.get("includeExecutionData"));
        int max = maxResults(request, 100);
        List<HistoryEvent> events = ex.history();
        if (reverse) {
            events = events.reversed();
        }
        long after = request.get("nextToken") == null ? -1 : cursor(optional(request, "nextToken"));
        List<Object> page = new ArrayList<>();
        String nextToken = null;
        for (HistoryEvent event : events) {
            if (after >= 0 && (reverse ? event.id() >= after : event.id() <= after)) {
                continue;
            }
            if (page.size() == max) {
                nextToken = cursorToken(((Number) ((Map<?, ?>) page.getLast()).get("id")).longValue());
                break;
            }
            page.add(eventJson(event, includeData));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", page);
        putIfNotNull(out, "nextToken", nextToken);
        return out;
    }

    private static Map<String, Object> eventJson(HistoryEvent event, boolean includeData) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("timestamp", epoch(event.timestamp()));
        out.put("type", event.type());
        out.put("id", event.id());
        out.put("previousEventId", event.previousEventId());
        if (event.detailsKey() != null) {
            Map<String, Object> details = event.details();
            if (!includeData) {
                details = new LinkedHashMap<>(details);
                details.keySet().removeAll(List.of("input", "output", "parameters", "assignedVariables"));
            }
            out.put(event.detailsKey(), details);
        }
        return out;
    }

    private Map<String, Object> stopExecution(Map<String, Object> request) {
        Execution ex = execution(required(request, "executionArn"));
        interpreter.stop(ex, Execution.Status.ABORTED, optional(request, "error"), optional(request, "cause"));
        return Map.of("stopDate", epoch(ex.summary().stopDate()));
    }

    private Map<String, Object> redriveExecution(Map<String, Object> request) {
        Execution ex = execution(required(request, "executionArn"));
        String clientToken = optional(request, "clientToken");
        synchronized (ex) {
            Execution.Summary summary = ex.summary();
            if (clientToken != null && clientToken.equals(redriveTokens.get(ex.arn))
                    && summary.redriveDate() != null) {
                return Map.of("redriveDate", epoch(summary.redriveDate()));
            }
            String reason = notRedrivableReason(summary);
            if (reason != null) {
                throw new SfnApiException("ExecutionNotRedrivable", reason);
            }
            if (clientToken != null) {
                redriveTokens.put(ex.arn, clientToken);
            }
            executions.reopened(ex);
            interpreter.redrive(ex);
            return Map.of("redriveDate", epoch(ex.summary().redriveDate()));
        }
    }

    private Execution execution(String arn) {
        if (!arn.startsWith("arn:aws:states:") || !arn.contains(":execution:")) {
            throw new SfnApiException("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        Execution ex = executions.find(arn);
        if (ex == null) {
            throw new SfnApiException("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
        }
        return ex;
    }
}
