package dev.vidmeta.local.sfn;

import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Parallel and inline Map states: one child {@link Run} per branch or item, started together (Map: at most
 * MaxConcurrency at a time), their outputs gathered in order. The first failure stops the others, unless a Map's
 * tolerated failure thresholds allow it (Parallel state: https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html;
 * Map state: https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html).
 */
final class BranchRunner {

    private final Interpreter engine;

    BranchRunner(Interpreter engine) {
        this.engine = engine;
    }

    // ---------------------------------------------------------------- Parallel

    CompletableFuture<Object> parallel(Run run, int gen, Parallel parallel, Object input, boolean resuming) {
        Execution ex = run.execution;
        Map<String, Object> st = Evaluation.states(run, input, null, null);
        Object branchInput = parallel.arguments() == null ? input
                : Expressions.evaluate(parallel.arguments(), st, run.scope, "Arguments");
        Evaluation.checkSize(branchInput, "the Arguments of state '" + parallel.name() + "'");
        boolean fresh = !resuming || run.children == null;
        Map<String, Object> resume = new LinkedHashMap<>();
        if (fresh) {
            List<Run> children = new ArrayList<>();
            for (int i = 0; i < parallel.branches().size(); i++) {
                children.add(new Run(ex, run, parallel.branches().get(i), new Scope(run.scope), branchInput, i));
            }
            run.children = children;
            resume.put("children", children.stream().map(c -> c.branchInput).toList());
        }
        HistoryEvent started = ex.record(run, engine.now(), "ParallelStateStarted", null, null, resume);
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : run.children) {
            if (child.status == Run.Status.SUCCEEDED && resuming) {
                results.add(CompletableFuture.completedFuture(child.output));
                continue;
            }
            child.lastEventId = started.id();
            child.launched = true;
            child.restart(gen);
            results.add(child.done);
            engine.proceed(child, gen);
        }
        return gather(run, results, null, "Parallel");
    }

    /** Goes on with a Parallel state read back from the journal: finished branches keep their outcome. */
    CompletableFuture<Object> resumeParallel(Run run, int gen) {
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : run.children) {
            results.add(switch (child.status) {
                case SUCCEEDED -> CompletableFuture.completedFuture(child.output);
                case FAILED -> child.done;
                default -> {
                    child.restart(gen);
                    engine.resume(child, gen);
                    yield child.done;
                }
            });
        }
        return gather(run, results, null, "Parallel");
    }

    // ---------------------------------------------------------------- Map

    CompletableFuture<Object> map(Run run, int gen, MapState map, Object input, boolean resuming) {
        Execution ex = run.execution;
        Map<String, Object> st = Evaluation.states(run, input, null, null);
        Object items = map.items() == null ? input : Expressions.evaluate(map.items(), st, run.scope, "Items");
        if (!(items instanceof List<?> list)) {
            // Without Items, a JSONata Map iterates over $states.input (Map state:
            // https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html), so a non-array input reads as
            // that expression's result. AWS's text for an Items result that is not an array, as recorded on AWS
            // (the guide does not quote it): "... returned an unexpected result type. Expected 'array', but was
            // 'number' for value: 1".
            String expression = map.items() == null ? "'$states.input'" : Expressions.expression(map.items());
            throw StatesError.inState(StatesError.QUERY_EVALUATION, "The JSONata expression " + expression
                    + " specified for the field 'Items' returned an unexpected result type. Expected 'array', but"
                    + " was '" + Json.typeName(items) + "' for value: " + Json.write(items));
        }
        int maxConcurrency = 0;
        if (map.maxConcurrency() != null) {
            Object value = Expressions.evaluate(map.maxConcurrency(), st, run.scope, "MaxConcurrency");
            if (!(value instanceof Number n) || n.intValue() < 0 || n.doubleValue() != n.intValue()) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "MaxConcurrency of state '" + map.name()
                        + "' must be a non-negative integer, was " + Json.write(value));
            }
            maxConcurrency = n.intValue();
        }
        Tolerance tolerance = tolerance(map, st, run, list.size());
        Map<String, Object> resume = new LinkedHashMap<>();
        resume.put("maxConcurrency", maxConcurrency);
        resume.put("tolerance", tolerance == null ? null : tolerance.toJson());
        if (!resuming || run.children == null) {
            List<Run> children = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object itemInput = list.get(i);
                if (map.itemSelector() != null) {
                    Map<String, Object> itemStates = Evaluation.states(run, input, null, null);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> context = (Map<String, Object>) itemStates.get("context");
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("Index", i);
                    item.put("Value", list.get(i));
                    context.put("Map", Map.of("Item", item));
                    itemInput = Expressions.evaluate(map.itemSelector(), itemStates, run.scope, "ItemSelector");
                }
                children.add(new Run(ex, run, map.processor(), new Scope(run.scope), itemInput, i));
            }
            run.children = children;
            resume.put("children", children.stream().map(c -> c.branchInput).toList());
        }
        ex.record(run, engine.now(), "MapStateStarted", "mapStateStartedEventDetails", Map.of("length", list.size()),
                resume);
        List<Run> pending = new ArrayList<>();
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : run.children) {
            if (child.status == Run.Status.SUCCEEDED && resuming) {
                results.add(CompletableFuture.completedFuture(child.output));
            } else {
                child.launched = false;
                child.restart(gen);
                pending.add(child);
                results.add(child.done);
            }
        }
        return iterate(run, gen, map, results, List.of(), pending, maxConcurrency, tolerance);
    }

    /**
     * Goes on with a Map state read back from the journal: finished iterations keep their outcome, started ones
     * go on where they were, the others start as slots free up.
     */
    CompletableFuture<Object> resumeMap(Run run, int gen, MapState map, int maxConcurrency,
            Map<String, Object> tolerance) {
        List<Run> running = new ArrayList<>();
        List<Run> pending = new ArrayList<>();
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : run.children) {
            switch (child.status) {
                case SUCCEEDED -> results.add(CompletableFuture.completedFuture(child.output));
                case FAILED -> results.add(child.done);
                default -> {
                    child.restart(gen);
                    (child.launched ? running : pending).add(child);
                    results.add(child.done);
                }
            }
        }
        return iterate(run, gen, map, results, running, pending, maxConcurrency, Tolerance.fromJson(tolerance));
    }

    /** Runs the iterations: those {@code running} go on at once, the {@code pending} ones as slots free up. */
    private CompletableFuture<Object> iterate(Run run, int gen, MapState map, List<CompletableFuture<Object>> results,
            List<Run> running, List<Run> pending, int maxConcurrency, Tolerance tolerance) {
        Execution ex = run.execution;
        CompletableFuture<Object> gathered = gather(run, results, tolerance, "Map");
        AtomicInteger nextIndex = new AtomicInteger();
        Runnable[] launchNext = new Runnable[1];
        Consumer<Run> watch = child -> {
            Map<String, Object> iteration = Map.of("name", map.name(), "index", child.index);
            child.done.whenComplete((ok, failure) -> {
                if (!run.live(gen) && failure != null) {
                    return;
                }
                String type = failure == null ? "MapIterationSucceeded"
                        : child.status == Run.Status.ABORTED ? "MapIterationAborted" : "MapIterationFailed";
                ex.record(child, engine.now(), type, type.substring(0, 1).toLowerCase() + type.substring(1)
                        + "EventDetails", iteration);
                // A tolerated failure frees its slot like a success does.
                if (failure == null || tolerance != null) {
                    launchNext[0].run();
                }
            });
        };
        launchNext[0] = () -> {
            int i = nextIndex.getAndIncrement();
            if (i >= pending.size() || !run.live(gen) || gathered.isCompletedExceptionally()) {
                return;
            }
            Run child = pending.get(i);
            child.lastEventId = ex.record(run, engine.now(), "MapIterationStarted", "mapIterationStartedEventDetails",
                    Map.of("name", map.name(), "index", child.index)).id();
            child.launched = true;
            watch.accept(child);
            engine.proceed(child, gen);
        };
        for (Run child : running) {
            watch.accept(child);
            engine.resume(child, gen);
        }
        int limit = maxConcurrency == 0 ? Integer.MAX_VALUE : maxConcurrency;
        for (int i = running.size(); i < Math.min(limit, running.size() + pending.size()); i++) {
            launchNext[0].run();
        }
        return gathered;
    }

    /**
     * The failure thresholds of a Map state: it fails with States.ExceedToleratedFailureThreshold once more
     * iterations failed than ToleratedFailureCount, or a greater share than ToleratedFailurePercentage of all its
     * items (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html). AWS accepts and
     * honours them on an inline Map too. A field that is absent sets no bound; with neither, the first failure
     * fails the Map with that failure's own error, as the Map state reference describes.
     */
    private record Tolerance(Integer count, Double percentage, int items) {

        boolean exceededBy(int failed) {
            return (count != null && failed > count) || (percentage != null && failed * 100.0 > percentage * items);
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("count", count);
            json.put("percentage", percentage);
            json.put("items", items);
            return json;
        }

        static Tolerance fromJson(Map<String, Object> json) {
            if (json == null) {
                return null;
            }
            return new Tolerance(json.get("count") == null ? null : ((Number) json.get("count")).intValue(),
                    json.get("percentage") == null ? null : ((Number) json.get("percentage")).doubleValue(),
                    ((Number) json.get("items")).intValue());
        }
    }

    private static Tolerance tolerance(MapState map, Map<String, Object> st, Run run, int items) {
        if (map.toleratedFailureCount() == null && map.toleratedFailurePercentage() == null) {
            return null;
        }
        Integer count = null;
        if (map.toleratedFailureCount() != null) {
            Object value = Expressions.evaluate(map.toleratedFailureCount(), st, run.scope, "ToleratedFailureCount");
            if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "ToleratedFailureCount of state '"
                        + map.name() + "' must be a non-negative integer, was " + Json.write(value));
            }
            count = n.intValue();
        }
        Double percentage = null;
        if (map.toleratedFailurePercentage() != null) {
            Object value = Expressions.evaluate(map.toleratedFailurePercentage(), st, run.scope,
                    "ToleratedFailurePercentage");
            if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 100) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "ToleratedFailurePercentage of state '"
                        + map.name() + "' must be a number from 0 to 100, was " + Json.write(value));
            }
            percentage = n.doubleValue();
        }
        return new Tolerance(count, percentage, items);
    }

    /**
     * Completes with the children's outputs in order once all end, recording {@code <kind>StateSucceeded} or
     * {@code <kind>StateFailed}. Without a tolerance, the first failure aborts the other children (Step Functions
     * stops the remaining branches/iterations) and fails with that error. With one, failures within it are kept
     * in place of their outputs as their error output ({"Error", "Cause"}, a choice of this engine: the guide
     * does not say what a tolerated inline iteration leaves in the result), and the failure that exceeds it fails
     * the whole with States.ExceedToleratedFailureThreshold.
     */
    private CompletableFuture<Object> gather(Run run, List<CompletableFuture<Object>> results, Tolerance tolerance,
            String kind) {
        List<Run> children = run.children;
        Execution ex = run.execution;
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<Object> gathered = new CompletableFuture<>();
        if (results.isEmpty()) {
            ex.record(run, engine.now(), kind + "StateSucceeded", null, null, Map.of("result", List.of()));
            gathered.complete(new ArrayList<>());
            return gathered;
        }
        AtomicInteger remaining = new AtomicInteger(results.size());
        for (CompletableFuture<Object> result : results) {
            result.whenComplete((ok, failure) -> {
                boolean tolerated = false;
                if (failure != null) {
                    StatesError error = Evaluation.asStatesError(failure);
                    if ("States.Aborted".equals(error.error())) {
                        return;
                    }
                    tolerated = tolerance != null && !tolerance.exceededBy(failed.incrementAndGet());
                    if (!tolerated && !gathered.isDone()) {
                        children.forEach(c -> {
                            if (c.status == Run.Status.RUNNING) {
                                c.abort();
                            }
                        });
                        // The guide names the error, not its cause text; this cause is this engine's wording.
                        StatesError outcome = tolerance == null ? error
                                : StatesError.inState(StatesError.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                        "The specified tolerated failure threshold was exceeded");
                        StatesError placed = Evaluation.placed(outcome, run);
                        Map<String, Object> resume = new LinkedHashMap<>();
                        resume.put("error", placed.error());
                        resume.put("cause", placed.cause());
                        ex.record(run, engine.now(), kind + "StateFailed", null, null, resume);
                        gathered.completeExceptionally(outcome);
                        return;
                    }
                }
                if ((failure == null || tolerated) && remaining.decrementAndGet() == 0 && !gathered.isDone()) {
                    List<Object> outputs = new ArrayList<>();
                    results.forEach(r -> outputs.add(r.handle((value, t) -> t == null ? value
                            : Evaluation.errorOutput(Evaluation.asStatesError(t))).join()));
                    Map<String, Object> resume = new HashMap<>();
                    resume.put("result", outputs);
                    ex.record(run, engine.now(), kind + "StateSucceeded", null, null, resume);
                    gathered.complete(outputs);
                }
            });
        }
        return gathered;
    }

}
