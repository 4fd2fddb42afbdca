package dev.vidmeta.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A state machine definition laid out for drawing: one box per state, Parallel (and Map) states as frames
 * around their branches, arrows for Next, Default, Choices and Catch, plus Start and End markers as the Step
 * Functions console draws them.
 *
 * <p>The layout is layered: each state sits one row below the furthest state leading to it (longest path over
 * the definition with loops cut), rows are centred. It is computed here rather than in the browser so that it
 * can be tested without one; the page only draws the coordinates.
 */
public record StateGraph(double width, double height, List<Node> nodes, List<Edge> edges) {

    public static final String START = "__start__";
    public static final String END = "__end__";

    static final double BOX_W = 190;
    static final double BOX_H = 38;
    static final double MARKER = 28;
    static final double ROW_GAP = 44;
    static final double COL_GAP = 28;
    static final double FRAME_PAD = 16;
    static final double FRAME_HEADER = 30;

    /**
     * @param id the state's name (names are unique across a whole state machine, branches included), or
     *     {@link #START}/{@link #END}
     * @param type the ASL type (Task, Parallel, ...) or "Start"/"End"
     * @param parent the Parallel or Map state whose branch holds it; null at the top level
     */
    public record Node(String id, String type, double x, double y, double w, double h, String parent) { }

    /** @param kind next, default, choice or catch; {@code points} run from the source to the target */
    public record Edge(String from, String to, String kind, List<double[]> points) { }

    /** Lays out a definition (the ASL document as JSON). */
    public static StateGraph of(JsonNode definition) {
        Block top = layout(definition, null, true);
        return new StateGraph(top.width, top.height, top.nodes, top.edges);
    }

    private record Transition(String to, String kind) { }

    private static final class Block {
        double width;
        double height;
        final List<Node> nodes = new ArrayList<>();
        final List<Edge> edges = new ArrayList<>();
    }

    private static Block layout(JsonNode machine, String parent, boolean top) {
        JsonNode states = machine.path("States");
        String startAt = machine.path("StartAt").asText();
        if (!states.isObject() || !states.has(startAt)) {
            throw new IllegalArgumentException("not a state machine definition: StartAt '" + startAt
                    + "' does not name a state");
        }
        Map<String, List<Transition>> out = new LinkedHashMap<>();
        List<String> order = discoveryOrder(states, startAt, out);
        Set<String> terminal = new LinkedHashSet<>();
        for (String name : order) {
            JsonNode state = states.get(name);
            String type = state.path("Type").asText();
            if (state.path("End").asBoolean(false) || "Succeed".equals(type) || "Fail".equals(type)) {
                terminal.add(name);
            }
        }
        if (top) {
            out.put(START, List.of(new Transition(startAt, "next")));
            for (String name : terminal) {
                out.get(name).add(new Transition(END, "next"));
            }
            order.addFirst(START);
            order.add(END);
            out.put(END, new ArrayList<>());
        }
        Set<String> back = backEdges(order.getFirst(), out);
        Map<String, Integer> layer = layers(order, out, back);

        // Sizes: plain boxes, markers, or frames around laid-out branches.
        Map<String, Block> inner = new HashMap<>();
        Map<String, double[]> size = new HashMap<>();
        for (String name : order) {
            if (START.equals(name) || END.equals(name)) {
                size.put(name, new double[] {MARKER, MARKER});
                continue;
            }
            JsonNode state = states.get(name);
            List<JsonNode> branches = branches(state);
            if (branches.isEmpty()) {
                size.put(name, new double[] {BOX_W, BOX_H});
                continue;
            }
            Block frame = new Block();
            double x = FRAME_PAD;
            double tallest = 0;
            for (JsonNode branch : branches) {
                Block b = layout(branch, name, false);
                shift(b, x, FRAME_HEADER, frame);
                x += b.width + COL_GAP;
                tallest = Math.max(tallest, b.height);
            }
            frame.width = Math.max(BOX_W, x - COL_GAP + FRAME_PAD);
            frame.height = FRAME_HEADER + tallest + FRAME_PAD;
            inner.put(name, frame);
            size.put(name, new double[] {frame.width, frame.height});
        }

        // Rows: y from the tallest box of the rows above; x centred in the widest row.
        int rows = layer.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        double[] rowHeight = new double[rows];
        double[] rowWidth = new double[rows];
        for (String name : order) {
            int r = layer.get(name);
            rowHeight[r] = Math.max(rowHeight[r], size.get(name)[1]);
            rowWidth[r] += (rowWidth[r] == 0 ? 0 : COL_GAP) + size.get(name)[0];
        }
        double width = 0;
        for (double w : rowWidth) {
            width = Math.max(width, w);
        }
        double[] rowY = new double[rows];
        for (int r = 1; r < rows; r++) {
            rowY[r] = rowY[r - 1] + rowHeight[r - 1] + ROW_GAP;
        }
        double[] cursor = new double[rows];
        for (int r = 0; r < rows; r++) {
            cursor[r] = (width - rowWidth[r]) / 2;
        }
        Block block = new Block();
        Map<String, Node> placed = new HashMap<>();
        for (String name : order) {
            int r = layer.get(name);
            double[] wh = size.get(name);
            double x = cursor[r];
            double y = rowY[r] + (rowHeight[r] - wh[1]) / 2;
            cursor[r] += wh[0] + COL_GAP;
            String type = START.equals(name) ? "Start" : END.equals(name) ? "End" : states.get(name).path("Type").asText();
            Node node = new Node(name, type, x, y, wh[0], wh[1], parent);
            placed.put(name, node);
            block.nodes.add(node);
            Block frame = inner.get(name);
            if (frame != null) {
                shift(frame, x, y, block);
            }
        }
        block.width = width;
        block.height = rowY[rows - 1] + rowHeight[rows - 1];
        for (String from : order) {
            for (Transition t : out.get(from)) {
                Node a = placed.get(from);
                Node b = placed.get(t.to());
                if (b == null) {
                    continue; // A transition to a state outside this branch is invalid ASL; draw nothing.
                }
                block.edges.add(new Edge(from, t.to(), t.kind(), route(a, b, back.contains(from + "\n" + t.to()),
                        width)));
            }
        }
        return block;
    }

    /** Forward edges run bottom to top; loops and same-row edges go round the right side. */
    private static List<double[]> route(Node a, Node b, boolean backEdge, double width) {
        if (!backEdge && b.y() > a.y() + a.h() / 2) {
            return List.of(new double[] {a.x() + a.w() / 2, a.y() + a.h()}, new double[] {b.x() + b.w() / 2, b.y()});
        }
        double side = width + COL_GAP / 2;
        return List.of(new double[] {a.x() + a.w(), a.y() + a.h() / 2}, new double[] {side, a.y() + a.h() / 2},
                new double[] {side, b.y() + b.h() / 2}, new double[] {b.x() + b.w(), b.y() + b.h() / 2});
    }

    private static void shift(Block from, double dx, double dy, Block into) {
        for (Node n : from.nodes) {
            into.nodes.add(new Node(n.id(), n.type(), n.x() + dx, n.y() + dy, n.w(), n.h(), n.parent()));
        }
        for (Edge e : from.edges) {
            List<double[]> points = new ArrayList<>();
            for (double[] p : e.points()) {
                points.add(new double[] {p[0] + dx, p[1] + dy});
            }
            into.edges.add(new Edge(e.from(), e.to(), e.kind(), points));
        }
    }

    /** Parallel branches, or a Map state's item processor (ItemProcessor, or the older Iterator). */
    private static List<JsonNode> branches(JsonNode state) {
        List<JsonNode> result = new ArrayList<>();
        switch (state.path("Type").asText()) {
            case "Parallel" -> state.path("Branches").forEach(result::add);
            case "Map" -> {
                JsonNode processor = state.has("ItemProcessor") ? state.get("ItemProcessor") : state.path("Iterator");
                if (processor.has("States")) {
                    result.add(processor);
                }
            }
            default -> { }
        }
        return result;
    }

    /** States in breadth-first order from StartAt, then any unreachable ones in document order. */
    private static List<String> discoveryOrder(JsonNode states, String startAt, Map<String, List<Transition>> out) {
        List<String> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> queue = new ArrayList<>(List.of(startAt));
        seen.add(startAt);
        for (int i = 0; i < queue.size(); i++) {
            String name = queue.get(i);
            order.add(name);
            List<Transition> transitions = transitions(states.get(name));
            out.put(name, transitions);
            for (Transition t : transitions) {
                if (states.has(t.to()) && seen.add(t.to())) {
                    queue.add(t.to());
                }
            }
        }
        for (Iterator<String> it = states.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (seen.add(name)) {
                order.add(name);
                out.put(name, transitions(states.get(name)));
            }
        }
        out.values().forEach(list -> list.removeIf(t -> !states.has(t.to())));
        return order;
    }

    private static List<Transition> transitions(JsonNode state) {
        List<Transition> list = new ArrayList<>();
        if (state.hasNonNull("Next")) {
            list.add(new Transition(state.get("Next").asText(), "next"));
        }
        for (JsonNode choice : state.path("Choices")) {
            if (choice.hasNonNull("Next")) {
                list.add(new Transition(choice.get("Next").asText(), "choice"));
            }
        }
        if (state.hasNonNull("Default")) {
            list.add(new Transition(state.get("Default").asText(), "default"));
        }
        for (JsonNode catcher : state.path("Catch")) {
            if (catcher.hasNonNull("Next")) {
                list.add(new Transition(catcher.get("Next").asText(), "catch"));
            }
        }
        // Two choices to the same state draw one arrow.
        Set<String> targets = new HashSet<>();
        list.removeIf(t -> !targets.add(t.to()));
        return list;
    }

    /** Edges (as "from\nto") that close a loop in a depth-first walk from the first state. */
    private static Set<String> backEdges(String first, Map<String, List<Transition>> out) {
        Set<String> back = new HashSet<>();
        Set<String> done = new HashSet<>();
        Set<String> onPath = new HashSet<>();
        walk(first, out, done, onPath, back);
        for (String root : out.keySet()) {
            walk(root, out, done, onPath, back);
        }
        return back;
    }

    private static void walk(String name, Map<String, List<Transition>> out, Set<String> done, Set<String> onPath,
            Set<String> back) {
        if (done.contains(name)) {
            return;
        }
        onPath.add(name);
        for (Transition t : out.getOrDefault(name, List.of())) {
            if (onPath.contains(t.to())) {
                back.add(name + "\n" + t.to());
            } else {
                walk(t.to(), out, done, onPath, back);
            }
        }
        onPath.remove(name);
        done.add(name);
    }

    /** Longest path from the roots over forward edges; the End marker goes below everything. */
    private static Map<String, Integer> layers(List<String> order, Map<String, List<Transition>> out, Set<String> back) {
        Map<String, Integer> layer = new HashMap<>();
        for (String name : order) {
            layer.put(name, 0);
        }
        // Relax |V| times: definitions are small, and without back edges this converges to the longest path.
        for (int round = 0; round < order.size(); round++) {
            boolean changed = false;
            for (String from : order) {
                for (Transition t : out.get(from)) {
                    if (!back.contains(from + "\n" + t.to()) && layer.get(t.to()) < layer.get(from) + 1) {
                        layer.put(t.to(), layer.get(from) + 1);
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        if (layer.containsKey(END)) {
            int max = 0;
            for (Map.Entry<String, Integer> e : layer.entrySet()) {
                if (!e.getKey().equals(END)) {
                    max = Math.max(max, e.getValue());
                }
            }
            layer.put(END, max + 1);
        }
        return layer;
    }
}
