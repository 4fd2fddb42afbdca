package dev.vidmeta.local.sfn;

import dev.vidmeta.local.sfn.Definition.Branch;
import dev.vidmeta.local.sfn.Definition.Choice;
import dev.vidmeta.local.sfn.Definition.Fail;
import dev.vidmeta.local.sfn.Definition.Flow;
import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import dev.vidmeta.local.sfn.Definition.Pass;
import dev.vidmeta.local.sfn.Definition.State;
import dev.vidmeta.local.sfn.Definition.Succeed;
import dev.vidmeta.local.sfn.Definition.Task;
import dev.vidmeta.local.sfn.Definition.Wait;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The transitions of one parsed branch: where each state can go next, and that every state can be reached. */
final class TransitionCheck {

    private TransitionCheck() {}

    /** Every Next/Default names a state of the same branch, and every state is reachable from StartAt. */
    static void checkTransitions(Branch branch, String where) {
        Map<String, State> states = branch.states();
        Set<String> reached = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(branch.startAt()));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!reached.add(name)) {
                continue;
            }
            for (String target : targets(states.get(name))) {
                if (!states.containsKey(target)) {
                    throw new InvalidDefinitionException("state '" + name + "': transition target '" + target
                            + "' is not a state of " + where);
                }
                todo.push(target);
            }
        }
        for (String name : states.keySet()) {
            if (!reached.contains(name)) {
                throw new InvalidDefinitionException("state '" + name + "' is not reachable from StartAt in "
                        + where);
            }
        }
    }

    static List<String> targets(State state) {
        List<String> out = new ArrayList<>();
        switch (state) {
            case Pass p -> addNext(out, p.flow());
            case Task t -> {
                addNext(out, t.flow());
                t.catchers().forEach(c -> out.add(c.next()));
            }
            case Choice c -> {
                c.choices().forEach(r -> out.add(r.next()));
                if (c.defaultNext() != null) {
                    out.add(c.defaultNext());
                }
            }
            case Wait w -> addNext(out, w.flow());
            case Parallel p -> {
                addNext(out, p.flow());
                p.catchers().forEach(c -> out.add(c.next()));
            }
            case MapState m -> {
                addNext(out, m.flow());
                m.catchers().forEach(c -> out.add(c.next()));
            }
            case Succeed s -> {
            }
            case Fail f -> {
            }
        }
        return out;
    }

    static void addNext(List<String> out, Flow flow) {
        if (flow.next() != null) {
            out.add(flow.next());
        }
    }
}
