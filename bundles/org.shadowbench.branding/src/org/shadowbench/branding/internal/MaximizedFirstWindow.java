package org.shadowbench.branding.internal;

import org.eclipse.core.runtime.IProduct;
import org.eclipse.core.runtime.Platform;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.UIEvents;
import org.eclipse.swt.widgets.Shell;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

/**
 * Opens the product's workbench window maximized on the first start of a workspace. The workbench
 * sizes a first window to about 1024 by 768, which leaves the Shadowbench perspective's views cramped
 * on any larger screen. A model processor applied to the initial model only ({@code apply="initial"}
 * in {@code plugin.xml}): once the workbench has saved its layout, the window comes back as the user
 * left it. Marking the model window maximized is not enough: on a new model the compatibility layer
 * gives the window's shell its configured initial size after the renderer made it, so the window is
 * fitted once the workbench reports its start-up complete. Other applications that have this bundle
 * (an IDE's, the tests' workbench) are left alone.
 */
public final class MaximizedFirstWindow {
    /** The product whose window this sizes. */
    static final String PRODUCT_ID = "org.shadowbench.branding.product";

    @Execute
    public void firstStart(MApplication application, IEventBroker events) {
        IProduct product = Platform.getProduct();
        if (product == null || !PRODUCT_ID.equals(product.getId())) {
            return;
        }
        events.subscribe(UIEvents.UILifeCycle.APP_STARTUP_COMPLETE, new EventHandler() {
            @Override
            public void handleEvent(Event event) { // on the UI thread: the broker delivers there
                events.unsubscribe(this);
                for (MWindow window : application.getChildren()) {
                    if (window.getWidget() instanceof Shell shell && !shell.isDisposed()) {
                        fill(shell);
                    }
                }
            }
        });
    }

    /**
     * Maximizes the shell, and first gives it its monitor's client area, which is where it ends up
     * without a window manager to maximize it (a bare X server) and what un-maximizing restores.
     */
    public static void fill(Shell shell) {
        shell.setBounds(shell.getMonitor().getClientArea());
        shell.setMaximized(true);
    }
}
