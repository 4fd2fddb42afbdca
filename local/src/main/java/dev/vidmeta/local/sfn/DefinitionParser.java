package dev.vidmeta.local.sfn;

import static dev.vidmeta.local.sfn.DefinitionFields.allowOnly;
import static dev.vidmeta.local.sfn.DefinitionFields.assign;
import static dev.vidmeta.local.sfn.DefinitionFields.check;
import static dev.vidmeta.local.sfn.DefinitionFields.list;
import static dev.vidmeta.local.sfn.DefinitionFields.nonNegativeInt;
import static dev.vidmeta.local.sfn.DefinitionFields.object;
import static dev.vidmeta.local.sfn.DefinitionFields.output;
import static dev.vidmeta.local.sfn.DefinitionFields.positiveInt;
import static dev.vidmeta.local.sfn.DefinitionFields.string;
import static dev.vidmeta.local.sfn.ErrorHandlers.catchers;
import static dev.vidmeta.local.sfn.ErrorHandlers.retry;
import static dev.vidmeta.local.sfn.TransitionCheck.checkTransitions;

import dev.vidmeta.local.sfn.Definition.Branch;
import dev.vidmeta.local.sfn.Definition.Choice;
import dev.vidmeta.local.sfn.Definition.ChoiceRule;
import dev.vidmeta.local.sfn.Definition.Fail;
import dev.vidmeta.local.sfn.Definition.Flow;
import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import dev.vidmeta.local.sfn.Definition.Pass;
import dev.vidmeta.local.sfn.Definition.State;
import dev.vidmeta.local.sfn.Definition.Succeed;
import dev.vidmeta.local.sfn.Definition.Task;
import dev.vidmeta.local.sfn.Definition.Wait;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads an Amazon States Language definition, accepting only what {@link Interpreter} runs faithfully: JSONata
 * query language, the eight state types with their JSONata fields, inline Map, and Lambda tasks. Anything else
 * (JSONPath fields, ResultSelector, distributed Map, other service integrations, unknown fields) is rejected
 * with a message naming the state and the feature, so a definition is never silently mis-run.
 *
 * <p>Field sets follow https://states-language.net/ and
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html (JSONata states have Arguments
 * and Output instead of the five JSONPath fields).
 *
 * <p>This class parses the states and branches; {@link DefinitionFields} reads and checks single fields,
 * {@link ErrorHandlers} the Retry and Catch fields, and {@link TransitionCheck} checks a branch's transitions.
 */
final class DefinitionParser {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    static final String LAMBDA_INVOKE_CALLBACK = LAMBDA_INVOKE + ".waitForTaskToken";

    private static final Set<String> JSONPATH_FIELDS = Set.of("InputPath", "Parameters", "ResultSelector",
            "ResultPath", "OutputPath", "ItemsPath", "Result", "TimeoutSecondsPath", "HeartbeatSecondsPath",
            "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "MaxConcurrencyPath", "Iterator");
    private static final Set<String> LAMBDA_ARGUMENTS = Set.of("FunctionName", "Payload", "Qualifier");
    private static final Set<String> MAX_FIELDS_COMMON = Set.of("Type", "Comment", "QueryLanguage");

    private static final String JSONATA = "JSONata";
    private static final String JSONPATH = "JSONPath";

    private final Set<String> allStateNames = new HashSet<>();
    private final boolean languageSet;
    /** The state machine's QueryLanguage, which every state without its own inherits. */
    private final String machineLanguage;

    private DefinitionParser(boolean languageSet, String machineLanguage) {
        this.languageSet = languageSet;
        this.machineLanguage = machineLanguage;
    }

    static Definition parse(String json) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException("definition is not valid JSON: " + e.getMessage());
        }
        Map<String, Object> top = object(parsed, "the definition");
        Object language = top.getOrDefault("QueryLanguage", JSONPATH);
        if (!JSONATA.equals(language) && !JSONPATH.equals(language)) {
            throw new InvalidDefinitionException("the definition: QueryLanguage must be JSONPath or JSONata, was "
                    + language);
        }
        allowOnly(top, "the definition", Set.of("StartAt", "States", "Comment", "Version", "TimeoutSeconds",
                "QueryLanguage"));
        if (top.containsKey("Version") && !"1.0".equals(top.get("Version"))) {
            throw new InvalidDefinitionException("Version must be \"1.0\", was " + top.get("Version"));
        }
        Integer timeout = top.containsKey("TimeoutSeconds")
                ? positiveInt(top.get("TimeoutSeconds"), "the definition", "TimeoutSeconds") : null;
        DefinitionParser parser = new DefinitionParser(top.containsKey("QueryLanguage"), (String) language);
        Branch root = parser.branch(top, "the definition", Set.of());
        return new Definition(root, timeout);
    }

    /** Parses a StartAt/States block; {@code outerAssigned} are variable names enclosing scopes assign. */
    private Branch branch(Map<String, Object> block, String where, Set<String> outerAssigned) {
        String startAt = string(block.get("StartAt"), where, "StartAt");
        Map<String, Object> rawStates = object(block.get("States"), where + " field States");
        if (rawStates.isEmpty()) {
            throw new InvalidDefinitionException(where + ": States must not be empty");
        }
        // Variables assigned in this scope, checked against inner scopes: AWS rejects an inner state that
        // assigns a variable an outer scope already has.
        Set<String> assignedHere = new HashSet<>();
        for (Map.Entry<String, Object> e : rawStates.entrySet()) {
            Map<String, Object> raw = object(e.getValue(), "state '" + e.getKey() + "'");
            collectAssigned(raw, assignedHere);
        }
        for (String name : assignedHere) {
            if (outerAssigned.contains(name)) {
                throw new InvalidDefinitionException(where + ": variable '" + name + "' is assigned in a nested"
                        + " scope but also in an enclosing scope; inner scopes cannot assign outer variables");
            }
        }
        Set<String> visible = new HashSet<>(outerAssigned);
        visible.addAll(assignedHere);
        Map<String, State> states = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : rawStates.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.length() > 80) {
                throw new InvalidDefinitionException("state name '" + name + "' must be 1 to 80 characters");
            }
            if (!allStateNames.add(name)) {
                throw new InvalidDefinitionException("state name '" + name + "' is used more than once;"
                        + " state names must be unique within the state machine");
            }
            states.put(name, state(name, object(e.getValue(), "state '" + name + "'"), visible));
        }
        if (!states.containsKey(startAt)) {
            throw new InvalidDefinitionException(where + ": StartAt '" + startAt + "' is not a state of "
                    + states.keySet());
        }
        Branch branch = new Branch(startAt, states);
        checkTransitions(branch, where);
        return branch;
    }

    private static void collectAssigned(Map<String, Object> raw, Set<String> into) {
        if (raw.get("Assign") instanceof Map<?, ?> assign) {
            assign.keySet().forEach(k -> into.add((String) k));
        }
        for (String list : List.of("Catch", "Choices")) {
            if (raw.get(list) instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> m && m.get("Assign") instanceof Map<?, ?> assign) {
                        assign.keySet().forEach(k -> into.add((String) k));
                    }
                }
            }
        }
    }

    private State state(String name, Map<String, Object> raw, Set<String> visibleAssigned) {
        String where = "state '" + name + "'";
        String type = string(raw.get("Type"), where, "Type");
        queryLanguage(raw, where);
        for (String field : raw.keySet()) {
            if (JSONPATH_FIELDS.contains(field)) {
                throw new InvalidDefinitionException(where + ": field " + field + " is not supported: it belongs"
                        + " to the JSONPath query language (JSONata states use Arguments/Output/Items)");
            }
        }
        return switch (type) {
            case "Pass" -> {
                allowOnly(raw, where, with("Next", "End", "Output", "Assign"));
                yield new Pass(name, flow(raw, where));
            }
            case "Task" -> task(name, raw, where);
            case "Choice" -> choice(name, raw, where);
            case "Wait" -> {
                allowOnly(raw, where, with("Next", "End", "Output", "Assign", "Seconds", "Timestamp"));
                boolean seconds = raw.containsKey("Seconds");
                if (seconds == raw.containsKey("Timestamp")) {
                    throw new InvalidDefinitionException(where + ": a Wait state needs exactly one of Seconds"
                            + " and Timestamp");
                }
                if (seconds && !Expressions.isTemplate(raw.get("Seconds"))) {
                    nonNegativeInt(raw.get("Seconds"), where, "Seconds");
                }
                Object timestamp = raw.get("Timestamp");
                if (timestamp != null && !Expressions.isTemplate(timestamp)) {
                    Evaluation.parseTimestamp(string(timestamp, where, "Timestamp"), where);
                }
                check(raw.get("Seconds"), where, "Seconds");
                check(timestamp, where, "Timestamp");
                yield new Wait(name, raw.get("Seconds"), timestamp, flow(raw, where));
            }
            case "Parallel" -> {
                allowOnly(raw, where, with("Next", "End", "Output", "Assign", "Branches", "Arguments", "Retry",
                        "Catch"));
                List<Object> rawBranches = list(raw.get("Branches"), where, "Branches");
                if (rawBranches.isEmpty()) {
                    throw new InvalidDefinitionException(where + ": Branches must not be empty");
                }
                List<Branch> branches = new ArrayList<>();
                for (int i = 0; i < rawBranches.size(); i++) {
                    String branchWhere = where + " branch " + i;
                    Map<String, Object> b = object(rawBranches.get(i), branchWhere);
                    allowOnly(b, branchWhere, Set.of("StartAt", "States", "Comment", "QueryLanguage"));
                    branches.add(branch(b, branchWhere, visibleAssigned));
                }
                check(raw.get("Arguments"), where, "Arguments");
                yield new Parallel(name, branches, raw.get("Arguments"), retry(raw, where), catchers(raw, where),
                        flow(raw, where));
            }
            case "Map" -> map(name, raw, where, visibleAssigned);
            case "Succeed" -> {
                allowOnly(raw, where, with("Output"));
                check(raw.get("Output"), where, "Output");
                yield new Succeed(name, output(raw));
            }
            case "Fail" -> {
                allowOnly(raw, where, with("Error", "Cause"));
                for (String f : List.of("Error", "Cause")) {
                    if (raw.containsKey(f) && !(raw.get(f) instanceof String)) {
                        throw new InvalidDefinitionException(where + ": " + f + " must be a string or a JSONata"
                                + " template");
                    }
                    check(raw.get(f), where, f);
                }
                yield new Fail(name, raw.get("Error"), raw.get("Cause"));
            }
            default -> throw new InvalidDefinitionException(where + ": Type '" + type + "' is not a state type");
        };
    }

    /**
     * A state's query language is its own QueryLanguage, else the state machine's (JSONPath by default); a state
     * nested in a Parallel or Map inherits the state machine's too. So a definition that leaves the top level at
     * JSONPath and sets "QueryLanguage": "JSONata" on every state is a JSONata definition, and AWS accepts it; a
     * state may upgrade to JSONata but not fall back to JSONPath under a JSONata state machine
     * (Amazon States Language, QueryLanguage field:
     * https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html and
     * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html). Only JSONata runs here, so a
     * state that resolves to JSONPath is rejected by name.
     */
    private void queryLanguage(Map<String, Object> raw, String where) {
        Object own = raw.get("QueryLanguage");
        if (own != null && !JSONATA.equals(own) && !JSONPATH.equals(own)) {
            throw new InvalidDefinitionException(where + ": QueryLanguage must be JSONPath or JSONata, was " + own);
        }
        if (JSONPATH.equals(own) && JSONATA.equals(machineLanguage)) {
            throw new InvalidDefinitionException(where + ": QueryLanguage can not be JSONPath when the state"
                    + " machine's QueryLanguage is JSONata");
        }
        Object resolved = own != null ? own : machineLanguage;
        if (!JSONATA.equals(resolved)) {
            String origin = own != null ? "set on the state" : languageSet ? "inherited from the state machine"
                    : "the state machine's default";
            throw new InvalidDefinitionException(where + ": QueryLanguage JSONPath (" + origin + ") is not"
                    + " supported: set \"QueryLanguage\": \"JSONata\" on the state or at the top level");
        }
    }

    private Task task(String name, Map<String, Object> raw, String where) {
        allowOnly(raw, where, with("Next", "End", "Output", "Assign", "Resource", "Arguments", "Retry", "Catch",
                "TimeoutSeconds", "HeartbeatSeconds"));
        String resource = string(raw.get("Resource"), where, "Resource");
        boolean callback;
        if (resource.equals(LAMBDA_INVOKE)) {
            callback = false;
        } else if (resource.equals(LAMBDA_INVOKE_CALLBACK)) {
            callback = true;
        } else {
            throw new InvalidDefinitionException(where + ": Resource '" + resource + "' is not supported locally"
                    + " (supported: " + LAMBDA_INVOKE + " and " + LAMBDA_INVOKE_CALLBACK + ")");
        }
        Object arguments = raw.get("Arguments");
        if (arguments instanceof Map<?, ?> args) {
            for (Object key : args.keySet()) {
                if (!LAMBDA_ARGUMENTS.contains(key)) {
                    throw new InvalidDefinitionException(where + ": Arguments field " + key + " is not supported"
                            + " for lambda:invoke (supported: " + LAMBDA_ARGUMENTS + ")");
                }
            }
            if (!args.containsKey("FunctionName")) {
                throw new InvalidDefinitionException(where + ": Arguments must name the FunctionName to invoke");
            }
        } else if (!Expressions.isTemplate(arguments)) {
            throw new InvalidDefinitionException(where + ": lambda:invoke needs Arguments with a FunctionName");
        }
        check(arguments, where, "Arguments");
        Object timeout = raw.get("TimeoutSeconds");
        Object heartbeat = raw.get("HeartbeatSeconds");
        if (timeout != null && !Expressions.isTemplate(timeout)) {
            positiveInt(timeout, where, "TimeoutSeconds");
        }
        if (heartbeat != null && !Expressions.isTemplate(heartbeat)) {
            int beat = positiveInt(heartbeat, where, "HeartbeatSeconds");
            if (timeout != null && !Expressions.isTemplate(timeout) && beat >= ((Number) timeout).intValue()) {
                throw new InvalidDefinitionException(where + ": HeartbeatSeconds must be smaller than"
                        + " TimeoutSeconds");
            }
        }
        if (heartbeat != null && !callback) {
            throw new InvalidDefinitionException(where + ": HeartbeatSeconds is only supported with "
                    + LAMBDA_INVOKE_CALLBACK + " (a request-response invoke has no way to send heartbeats)");
        }
        check(timeout, where, "TimeoutSeconds");
        check(heartbeat, where, "HeartbeatSeconds");
        return new Task(name, callback, arguments, timeout, heartbeat, retry(raw, where), catchers(raw, where),
                flow(raw, where));
    }

    private Choice choice(String name, Map<String, Object> raw, String where) {
        allowOnly(raw, where, with("Choices", "Default", "Output", "Assign"));
        List<Object> rawChoices = list(raw.get("Choices"), where, "Choices");
        if (rawChoices.isEmpty()) {
            throw new InvalidDefinitionException(where + ": Choices must not be empty");
        }
        List<ChoiceRule> rules = new ArrayList<>();
        for (int i = 0; i < rawChoices.size(); i++) {
            String ruleWhere = where + " Choices[" + i + "]";
            Map<String, Object> r = object(rawChoices.get(i), ruleWhere);
            if (!r.containsKey("Condition")) {
                throw new InvalidDefinitionException(ruleWhere + ": a JSONata choice rule needs a Condition"
                        + " (JSONPath comparison operators such as Variable/StringEquals are not supported)");
            }
            allowOnly(r, ruleWhere, Set.of("Condition", "Next", "Output", "Assign", "Comment"));
            Object condition = r.get("Condition");
            if (!(condition instanceof Boolean) && !Expressions.isTemplate(condition)) {
                throw new InvalidDefinitionException(ruleWhere + ": Condition must be a JSONata template or a"
                        + " boolean");
            }
            check(condition, ruleWhere, "Condition");
            check(r.get("Output"), ruleWhere, "Output");
            rules.add(new ChoiceRule(condition, string(r.get("Next"), ruleWhere, "Next"), output(r),
                    assign(r, ruleWhere)));
        }
        String defaultNext = raw.containsKey("Default") ? string(raw.get("Default"), where, "Default") : null;
        check(raw.get("Output"), where, "Output");
        return new Choice(name, rules, defaultNext, output(raw), assign(raw, where));
    }

    private MapState map(String name, Map<String, Object> raw, String where, Set<String> visibleAssigned) {
        for (String distributed : List.of("ItemReader", "ResultWriter", "ItemBatcher", "Label")) {
            if (raw.containsKey(distributed)) {
                throw new InvalidDefinitionException(where + ": field " + distributed + " is not supported: it"
                        + " belongs to the distributed Map, only the inline Map runs locally");
            }
        }
        allowOnly(raw, where, with("Next", "End", "Output", "Assign", "Items", "ItemSelector", "ItemProcessor",
                "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage", "Retry", "Catch"));
        Map<String, Object> processor = object(raw.get("ItemProcessor"), where + " field ItemProcessor");
        allowOnly(processor, where + " ItemProcessor", Set.of("ProcessorConfig", "StartAt", "States", "Comment",
                "QueryLanguage"));
        if (processor.containsKey("ProcessorConfig")) {
            Map<String, Object> config = object(processor.get("ProcessorConfig"), where + " ProcessorConfig");
            allowOnly(config, where + " ProcessorConfig", Set.of("Mode", "ExecutionType"));
            Object mode = config.getOrDefault("Mode", "INLINE");
            if (!"INLINE".equals(mode)) {
                throw new InvalidDefinitionException(where + ": ProcessorConfig Mode " + mode + " is not"
                        + " supported, only INLINE");
            }
            if (config.containsKey("ExecutionType")) {
                throw new InvalidDefinitionException(where + ": ProcessorConfig ExecutionType belongs to the"
                        + " distributed Map and is not supported");
            }
        }
        Object items = raw.get("Items");
        if (items != null && !(items instanceof List) && !Expressions.isTemplate(items)) {
            throw new InvalidDefinitionException(where + ": Items must be an array or a JSONata template");
        }
        Object maxConcurrency = raw.get("MaxConcurrency");
        if (maxConcurrency != null && !Expressions.isTemplate(maxConcurrency)) {
            nonNegativeInt(maxConcurrency, where, "MaxConcurrency");
        }
        // AWS accepts the failure thresholds on an inline Map too, and honours them (Map state:
        // https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html ; thresholds:
        // https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
        Object toleratedCount = raw.get("ToleratedFailureCount");
        if (toleratedCount != null && !Expressions.isTemplate(toleratedCount)) {
            nonNegativeInt(toleratedCount, where, "ToleratedFailureCount");
        }
        Object toleratedPercentage = raw.get("ToleratedFailurePercentage");
        if (toleratedPercentage != null && !Expressions.isTemplate(toleratedPercentage)
                && (!(toleratedPercentage instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 100)) {
            throw new InvalidDefinitionException(where + ": ToleratedFailurePercentage must be a number from 0 to"
                    + " 100, was " + toleratedPercentage);
        }
        check(toleratedCount, where, "ToleratedFailureCount");
        check(toleratedPercentage, where, "ToleratedFailurePercentage");
        check(items, where, "Items");
        check(raw.get("ItemSelector"), where, "ItemSelector");
        check(maxConcurrency, where, "MaxConcurrency");
        Branch processorBranch = branch(processor, where + " ItemProcessor", visibleAssigned);
        return new MapState(name, items, raw.get("ItemSelector"), maxConcurrency, toleratedCount,
                toleratedPercentage, processorBranch, retry(raw, where), catchers(raw, where), flow(raw, where));
    }

    private static Flow flow(Map<String, Object> raw, String where) {
        boolean end = Boolean.TRUE.equals(raw.get("End"));
        if (raw.containsKey("End") && !(raw.get("End") instanceof Boolean)) {
            throw new InvalidDefinitionException(where + ": End must be a boolean");
        }
        boolean hasNext = raw.containsKey("Next");
        if (end == hasNext) {
            throw new InvalidDefinitionException(where + ": exactly one of Next and \"End\": true is required");
        }
        check(raw.get("Output"), where, "Output");
        return new Flow(output(raw), assign(raw, where), hasNext ? string(raw.get("Next"), where, "Next")
                : null);
    }

    private static Set<String> with(String... fields) {
        Set<String> all = new HashSet<>(MAX_FIELDS_COMMON);
        all.addAll(List.of(fields));
        return all;
    }

}
