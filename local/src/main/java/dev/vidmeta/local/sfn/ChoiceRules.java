package dev.vidmeta.local.sfn;

import dev.vidmeta.local.sfn.Definition.Choice;
import dev.vidmeta.local.sfn.Definition.ChoiceRule;
import java.util.Map;

/**
 * A Choice state's decision (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html): the first
 * rule whose Condition is true, else Default, with the Output and Assign that go with it.
 */
final class ChoiceRules {

    /** Where the Choice state goes, with what output and which variables assigned. */
    record Transition(String next, Object output, Map<String, Object> assigned) {
    }

    private ChoiceRules() {
    }

    static Transition choose(Run run, Choice choice, Object input) {
        Map<String, Object> st = Evaluation.states(run, input, null, null);
        for (int i = 0; i < choice.choices().size(); i++) {
            ChoiceRule rule = choice.choices().get(i);
            Object verdict = Expressions.evaluate(rule.condition(), st, run.scope, "Choices[" + i + "]/Condition");
            if (!(verdict instanceof Boolean)) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "The Condition of Choices[" + i
                        + "] in state '" + choice.name() + "' returned a " + Json.typeName(verdict)
                        + ", not a boolean");
            }
            if ((Boolean) verdict) {
                // A rule's own Output/Assign take the place of the state's, as in the Choice state reference.
                String ruleField = "Choices[" + i + "]/";
                Object outputTemplate = rule.output() != null ? rule.output() : choice.output();
                Map<String, Object> assignTemplate = rule.assign().isEmpty() ? choice.assign() : rule.assign();
                return transition(run, choice, rule.next(), outputTemplate,
                        (rule.output() != null ? ruleField : "") + "Output", assignTemplate,
                        (rule.assign().isEmpty() ? "" : ruleField) + "Assign", st, input);
            }
        }
        if (choice.defaultNext() == null) {
            throw StatesError.inState(StatesError.NO_CHOICE_MATCHED, "No Choice Rule matched in state '"
                    + choice.name() + "' and no Default was specified");
        }
        return transition(run, choice, choice.defaultNext(), choice.output(), "Output", choice.assign(), "Assign",
                st, input);
    }

    private static Transition transition(Run run, Choice choice, String next, Object outputTemplate,
            String outputField, Map<String, Object> assignTemplate, String assignField, Map<String, Object> st,
            Object input) {
        Object output = outputTemplate == null ? input
                : Expressions.evaluate(outputTemplate, st, run.scope, outputField);
        Map<String, Object> assigned = Evaluation.assign(assignTemplate, st, run, assignField);
        Evaluation.checkSize(output, "the output of state '" + choice.name() + "'");
        return new Transition(next, output, assigned);
    }
}
