package dev.vidmeta.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StateGraphTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static StateGraph layout(String definition) throws Exception {
        return StateGraph.of(JSON.readTree(definition));
    }

    private static Map<String, StateGraph.Node> byId(StateGraph graph) {
        return graph.nodes().stream().collect(Collectors.toMap(StateGraph.Node::id, Function.identity()));
    }

    @Test
    void of_shouldStackStatesInRows_withStartAndEndMarkers_andAnArrowPerTransition() throws Exception {
        // GIVEN Start -> A -> Choice -> (B | C) -> D, C also catching into D
        StateGraph graph = layout("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Pass", "Next": "Pick"},
                  "Pick": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}], "Default": "C"},
                  "B": {"Type": "Pass", "Next": "D"},
                  "C": {"Type": "Task", "Resource": "x", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "D"}], "Next": "D"},
                  "D": {"Type": "Succeed"}}}""");

        // THEN each state sits below the states leading to it, B and C side by side
        Map<String, StateGraph.Node> nodes = byId(graph);
        assertThat(nodes.keySet()).containsExactlyInAnyOrder(StateGraph.START, "A", "Pick", "B", "C", "D", StateGraph.END);
        assertThat(nodes.get("A").y()).isGreaterThan(nodes.get(StateGraph.START).y());
        assertThat(nodes.get("Pick").y()).isGreaterThan(nodes.get("A").y());
        assertThat(nodes.get("B").y()).isEqualTo(nodes.get("C").y()).isGreaterThan(nodes.get("Pick").y());
        assertThat(nodes.get("B").x() + nodes.get("B").w()).isLessThan(nodes.get("C").x());
        assertThat(nodes.get("D").y()).isGreaterThan(nodes.get("C").y());
        assertThat(nodes.get(StateGraph.END).y()).isGreaterThan(nodes.get("D").y());
        // and the arrows carry their kind; C's Next and Catch to D draw one arrow
        assertThat(graph.edges()).extracting(e -> e.from() + ">" + e.to() + ":" + e.kind()).containsExactlyInAnyOrder(
                "__start__>A:next", "A>Pick:next", "Pick>B:choice", "Pick>C:default", "B>D:next", "C>D:next",
                "D>__end__:next");
        // and everything fits in the reported size
        assertThat(graph.nodes()).allSatisfy(n -> {
            assertThat(n.x()).isGreaterThanOrEqualTo(0);
            assertThat(n.x() + n.w()).isLessThanOrEqualTo(graph.width());
            assertThat(n.y() + n.h()).isLessThanOrEqualTo(graph.height());
        });
    }

    @Test
    void of_shouldFrameParallelBranches_sideBySide_insideTheParallelBox() throws Exception {
        StateGraph graph = layout("""
                {"StartAt": "Both", "States": {
                  "Both": {"Type": "Parallel", "Next": "After", "Branches": [
                    {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
                    {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": "x",
                       "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Right Failed"}], "End": true},
                       "Right Failed": {"Type": "Pass", "End": true}}}]},
                  "After": {"Type": "Pass", "End": true}}}""");

        Map<String, StateGraph.Node> nodes = byId(graph);
        StateGraph.Node frame = nodes.get("Both");
        for (String inner : new String[] {"Left", "Right", "Right Failed"}) {
            StateGraph.Node n = nodes.get(inner);
            assertThat(n.parent()).isEqualTo("Both");
            assertThat(n.x()).isGreaterThan(frame.x());
            assertThat(n.x() + n.w()).isLessThan(frame.x() + frame.w());
            assertThat(n.y()).isGreaterThan(frame.y());
            assertThat(n.y() + n.h()).isLessThan(frame.y() + frame.h());
        }
        assertThat(nodes.get("Left").x() + nodes.get("Left").w()).isLessThan(nodes.get("Right").x());
        assertThat(nodes.get("Right Failed").y()).isGreaterThan(nodes.get("Right").y());
        assertThat(nodes.get("After").y()).isGreaterThan(frame.y() + frame.h());
        // branch ends get no End marker of their own; the catch arrow stays inside its branch
        assertThat(graph.edges()).extracting(e -> e.from() + ">" + e.to() + ":" + e.kind())
                .contains("Right>Right Failed:catch", "Both>After:next", "After>__end__:next")
                .doesNotContain("Left>__end__:next");
    }

    @Test
    void of_shouldRouteALoopRoundTheSide_insteadOfPushingTheLoopHeadDown() throws Exception {
        StateGraph graph = layout("""
                {"StartAt": "Poll", "States": {
                  "Poll": {"Type": "Task", "Resource": "x", "Next": "Done?"},
                  "Done?": {"Type": "Choice", "Choices": [{"Condition": "{% false %}", "Next": "Poll"}], "Default": "Finish"},
                  "Finish": {"Type": "Succeed"}}}""");

        Map<String, StateGraph.Node> nodes = byId(graph);
        assertThat(nodes.get("Poll").y()).isLessThan(nodes.get("Done?").y());
        StateGraph.Edge loop = graph.edges().stream().filter(e -> e.to().equals("Poll") && e.from().equals("Done?"))
                .findFirst().orElseThrow();
        assertThat(loop.points()).hasSize(4);
        assertThat(loop.points().get(1)[0]).isGreaterThan(nodes.get("Done?").x() + nodes.get("Done?").w());
    }

    @Test
    void of_shouldRejectADocumentWhoseStartAtNamesNoState() {
        assertThatThrownBy(() -> layout("{\"StartAt\": \"Nope\", \"States\": {}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Nope");
    }
}
