package org.shadowbench.ui.tests;

/** The analysis views against xv6 running {@code usertests}; skipped where ../shared/guests is absent. */
class Xv6AnalysisViewsTest extends AbstractAnalysisViewsTest {
    Xv6AnalysisViewsTest() {
        super(TestGuest.XV6_USERTESTS);
    }
}
