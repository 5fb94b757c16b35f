package org.shadowbench.ui.tests;

/** The views against the bundled demo guest, which every machine has. */
class DemoViewsTest extends AbstractViewsTest {
    DemoViewsTest() {
        super(TestGuest.DEMO);
    }
}
