package org.shadowbench.ui.tests;

/** The views against xv6 running {@code usertests}; skipped where ../shared/guests is absent. */
class Xv6ViewsTest extends AbstractViewsTest {
    Xv6ViewsTest() {
        super(TestGuest.XV6_USERTESTS);
    }
}
