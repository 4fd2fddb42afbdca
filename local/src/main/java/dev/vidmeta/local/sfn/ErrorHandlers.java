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

import dev.vidmeta.local.sfn.Definition.Catcher;
import dev.vidmeta.local.sfn.Definition.Retrier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a state's error handling, its Retry and Catch fields ("Error handling in Step Functions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html): the retriers' defaults
 * (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, JitterStrategy NONE) and the rule that States.ALL stands
 * alone, in the last retrier or catcher.
 */
final class ErrorHandlers {

    private ErrorHandlers() {}

    static List<Retrier> retry(Map<String, Object> raw, String where) {
        if (!raw.containsKey("Retry")) {
            return List.of();
        }
        List<Object> list = list(raw.get("Retry"), where, "Retry");
        List<Retrier> retriers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + " Retry[" + i + "]";
            Map<String, Object> r = object(list.get(i), at);
            allowOnly(r, at, Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                    "MaxDelaySeconds", "JitterStrategy", "Comment"));
            List<String> errors = errorEquals(r, at, i == list.size() - 1);
            int interval = r.containsKey("IntervalSeconds") ? positiveInt(r.get("IntervalSeconds"), at,
                    "IntervalSeconds") : 1;
            int maxAttempts = r.containsKey("MaxAttempts") ? nonNegativeInt(r.get("MaxAttempts"), at,
                    "MaxAttempts") : 3;
            double backoff = 2.0;
            if (r.containsKey("BackoffRate")) {
                if (!(r.get("BackoffRate") instanceof Number n) || n.doubleValue() < 1.0) {
                    throw new InvalidDefinitionException(at + ": BackoffRate must be a number >= 1.0");
                }
                backoff = n.doubleValue();
            }
            Integer maxDelay = r.containsKey("MaxDelaySeconds") ? positiveInt(r.get("MaxDelaySeconds"), at,
                    "MaxDelaySeconds") : null;
            Object jitter = r.getOrDefault("JitterStrategy", "NONE");
            if (!"FULL".equals(jitter) && !"NONE".equals(jitter)) {
                throw new InvalidDefinitionException(at + ": JitterStrategy must be FULL or NONE");
            }
            retriers.add(new Retrier(errors, interval, maxAttempts, backoff, maxDelay, "FULL".equals(jitter)));
        }
        return retriers;
    }

    static List<Catcher> catchers(Map<String, Object> raw, String where) {
        if (!raw.containsKey("Catch")) {
            return List.of();
        }
        List<Object> list = list(raw.get("Catch"), where, "Catch");
        List<Catcher> catchers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + " Catch[" + i + "]";
            Map<String, Object> c = object(list.get(i), at);
            allowOnly(c, at, Set.of("ErrorEquals", "Next", "Output", "Assign", "Comment"));
            check(c.get("Output"), at, "Output");
            catchers.add(new Catcher(errorEquals(c, at, i == list.size() - 1), string(c.get("Next"), at, "Next"),
                    output(c), assign(c, at)));
        }
        return catchers;
    }

    static List<String> errorEquals(Map<String, Object> raw, String at, boolean last) {
        List<Object> list = list(raw.get("ErrorEquals"), at, "ErrorEquals");
        if (list.isEmpty()) {
            throw new InvalidDefinitionException(at + ": ErrorEquals must not be empty");
        }
        List<String> names = new ArrayList<>();
        for (Object o : list) {
            names.add(string(o, at, "ErrorEquals"));
        }
        if (names.contains(StatesError.ALL) && (names.size() > 1 || !last)) {
            throw new InvalidDefinitionException(at + ": States.ALL must appear alone and in the last retrier or"
                    + " catcher");
        }
        return names;
    }
}
