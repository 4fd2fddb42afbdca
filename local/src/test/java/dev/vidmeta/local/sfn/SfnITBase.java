package dev.vidmeta.local.sfn;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local Step Functions per test class, shared by its tests (each test creates its own state machine). */
abstract class SfnITBase {

    static SfnHarness h;

    @BeforeAll
    static void startLocalStepFunctions() {
        h = new SfnHarness();
    }

    @AfterAll
    static void stopLocalStepFunctions() {
        h.close();
    }
}
