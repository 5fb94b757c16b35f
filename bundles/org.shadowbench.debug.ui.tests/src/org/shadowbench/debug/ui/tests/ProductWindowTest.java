package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.core.runtime.Platform;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.shadowbench.branding.internal.MaximizedFirstWindow;

/**
 * The workbench product's first window fills the screen: the branding bundle's model processor runs
 * on a new workspace's model only, sizes a shell to its monitor, and leaves workbenches that are not
 * the product (this test's) alone. The product itself is checked on screen (docs/IDE.md).
 */
class ProductWindowTest {
    @Test
    void theProcessorRunsOnTheInitialModelOnly() {
        List<String> applies = Arrays.stream(Platform.getExtensionRegistry().getConfigurationElementsFor("org.eclipse.e4.workbench.model"))
                .filter(element -> "processor".equals(element.getName())
                        && MaximizedFirstWindow.class.getName().equals(element.getAttribute("class")))
                .map(element -> element.getAttribute("apply")).toList();
        assertEquals(List.of("initial"), applies, "a restored layout keeps the window as it was left");
    }

    @Test
    void aFilledShellTakesItsMonitorsClientArea() {
        Shell shell = new Shell(PlatformUI.getWorkbench().getDisplay());
        try {
            shell.setBounds(20, 30, 300, 200);
            MaximizedFirstWindow.fill(shell);
            // No window manager on the tests' display: the bounds are what a bare X server shows.
            assertEquals(shell.getMonitor().getClientArea(), shell.getBounds());
        } finally {
            shell.dispose();
        }
    }

    @Test
    void anotherProductsWindowIsLeftAlone() {
        List<String> subscribed = new ArrayList<>();
        IEventBroker events = (IEventBroker) Proxy.newProxyInstance(IEventBroker.class.getClassLoader(),
                new Class<?>[] { IEventBroker.class }, (proxy, method, args) -> {
                    if (method.getName().equals("subscribe")) {
                        subscribed.add((String) args[0]);
                        return true;
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
        MApplication application = PlatformUI.getWorkbench().getService(MApplication.class);
        new MaximizedFirstWindow().firstStart(application, events);
        assertEquals(List.of(), subscribed, "a workbench that is not the product");
    }
}
