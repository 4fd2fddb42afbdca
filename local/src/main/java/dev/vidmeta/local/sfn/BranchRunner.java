package dev.vidmeta.local.sfn;

import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

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

    CompletableFuture<Object> parallel(Run run, int gen, Parallel parallel, Object input, boolean resuming) {
        Execution ex = run.execution;
        Map<String, Object> st = Evaluation.states(run, input, null, null);
        Object branchInput = parallel.arguments() == null ? input
                : Expressions.evaluate(parallel.arguments(), st, run.scope, "Arguments");
        Evaluation.checkSize(branchInput, "the Arguments of state '" + parallel.name() + "'");
        HistoryEvent started = ex.record(run, engine.now(), "ParallelStateStarted", null, null);
        List<Run> children = run.children;
        if (!resuming || children == null) {
            children = new ArrayList<>();
            for (int i = 0; i < parallel.branches().size(); i++) {
                children.add(new Run(ex, run, parallel.branches().get(i), new Scope(run.scope), branchInput, i));
            }
            run.children = children;
        }
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : children) {
            if (child.status == Run.Status.SUCCEEDED && resuming) {
                results.add(CompletableFuture.completedFuture(child.output));
                continue;
            }
            child.lastEventId = started.id();
            child.restart(gen);
            results.add(child.done);
            engine.proceed(child, gen);
        }
        List<Run> all = children;
        return gather(results, all, () -> {
            ex.record(run, engine.now(), "ParallelStateSucceeded", null, null);
        }, () -> {
            ex.record(run, engine.now(), "ParallelStateFailed", null, null);
        });
    }

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
        HistoryEvent started = ex.record(run, engine.now(), "MapStateStarted", "mapStateStartedEventDetails",
                Map.of("length", list.size()));
        List<Run> children = run.children;
        if (!resuming || children == null) {
            children = new ArrayList<>();
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
        }
        List<Run> pending = new ArrayList<>();
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : children) {
            if (child.status == Run.Status.SUCCEEDED && resuming) {
                results.add(CompletableFuture.completedFuture(child.output));
            } else {
                child.restart(gen);
                pending.add(child);
                results.add(child.done);
            }
        }
        CompletableFuture<Object> gathered = gather(results, children, tolerance, () -> {
            ex.record(run, engine.now(), "MapStateSucceeded", null, null);
        }, () -> {
            ex.record(run, engine.now(), "MapStateFailed", null, null);
        });
        int limit = maxConcurrency == 0 ? Integer.MAX_VALUE : maxConcurrency;
        AtomicInteger nextIndex = new AtomicInteger();
        Runnable[] launchNext = new Runnable[1];
        launchNext[0] = () -> {
            int i = nextIndex.getAndIncrement();
            if (i >= pending.size() || !run.live(gen) || gathered.isCompletedExceptionally()) {
                return;
            }
            Run child = pending.get(i);
            Map<String, Object> iteration = Map.of("name", map.name(), "index", child.index);
            child.lastEventId = ex.record(run, engine.now(), "MapIterationStarted", "mapIterationStartedEventDetails",
                    iteration).id();
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
            engine.proceed(child, gen);
        };
        for (int i = 0; i < Math.min(limit, pending.size()); i++) {
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

    private static CompletableFuture<Object> gather(List<CompletableFuture<Object>> results, List<Run> children,
            Runnable onSuccess, Runnable onFailure) {
        return gather(results, children, null, onSuccess, onFailure);
    }

    /**
     * Completes with the children's outputs in order once all end. Without a tolerance, the first failure aborts
     * the other children (Step Functions stops the remaining branches/iterations) and fails with that error. With
     * one, failures within it are kept in place of their outputs as their error output ({"Error", "Cause"}, a
     * choice of this engine: the guide does not say what a tolerated inline iteration leaves in the result), and
     * the failure that exceeds it fails the whole with States.ExceedToleratedFailureThreshold.
     */
    private static CompletableFuture<Object> gather(List<CompletableFuture<Object>> results, List<Run> children,
            Tolerance tolerance, Runnable onSuccess, Runnable onFailure) {
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<Object> gathered = new CompletableFuture<>();
        if (results.isEmpty()) {
            onSuccess.run();
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
                        onFailure.run();
                        // The guide names the error, not its cause text; this cause is this engine's wording.
                        gathered.completeExceptionally(tolerance == null ? error
                                : StatesError.inState(StatesError.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                        "The specified tolerated failure threshold was exceeded"));
                        return;
                    }
                }
                if ((failure == null || tolerated) && remaining.decrementAndGet() == 0 && !gathered.isDone()) {
                    List<Object> outputs = new ArrayList<>();
                    results.forEach(r -> outputs.add(r.handle((value, t) -> t == null ? value
                            : Evaluation.errorOutput(Evaluation.asStatesError(t))).join()));
                    onSuccess.run();
                    gathered.complete(outputs);
                }
            });
        }
        return gathered;
    }

}
