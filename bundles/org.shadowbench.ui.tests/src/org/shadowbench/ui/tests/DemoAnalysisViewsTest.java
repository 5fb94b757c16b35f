package org.shadowbench.ui.tests;

/** The analysis views against the bundled demo guest, which every machine has. */
class DemoAnalysisViewsTest extends AbstractAnalysisViewsTest {
    DemoAnalysisViewsTest() {
        super(TestGuest.DEMO);
    }
}
