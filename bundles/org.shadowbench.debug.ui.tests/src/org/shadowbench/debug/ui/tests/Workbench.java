package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;

/** Helpers for tests on the UI thread: run the event loop, wait for a condition, save screenshots. */
final class Workbench {
    static final File SCREENSHOTS = new File(System.getProperty("shadowbench.screenshots", "target/screenshots"));

    private Workbench() {
    }

    static IWorkbenchWindow window() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        return window != null ? window : PlatformUI.getWorkbench().getWorkbenchWindows()[0];
    }

    static IWorkbenchPage page() {
        return window().getActivePage();
    }

    /** Runs the event loop for a while (views refresh through it). */
    static void spin(long millis) {
        Display display = Display.getCurrent();
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (!display.readAndDispatch()) {
                display.timerExec(10, () -> { });
                display.sleep();
            }
        }
    }

    /** Runs the event loop until the condition holds; fails after the timeout. */
    static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                fail("timed out waiting for " + what);
            }
            spin(20);
        }
    }

    /** A shell (the workbench window or a dialog) as the screen shows it. */
    static File screenshot(Shell shell, String name) {
        // Copying from the X server shows only what was painted: let pending paints happen first.
        spin(400);
        shell.update();
        // The client area only: without a window manager the shell's trim is not painted.
        Rectangle client = shell.getClientArea();
        org.eclipse.swt.graphics.Point origin = shell.toDisplay(client.x, client.y);
        Image image = new Image(shell.getDisplay(), client.width, client.height);
        GC gc = new GC(shell.getDisplay());
        try {
            gc.copyArea(image, origin.x, origin.y);
        } finally {
            gc.dispose();
        }
        try {
            SCREENSHOTS.mkdirs();
            ImageLoader loader = new ImageLoader();
            loader.data = new ImageData[] { image.getImageData() };
            File file = new File(SCREENSHOTS, name);
            loader.save(file.getPath(), SWT.IMAGE_PNG);
            return file;
        } finally {
            image.dispose();
        }
    }

    /** The workbench window over the whole screen, without the editor area (the guest has no sources). */
    static void useWholeScreen() {
        Shell shell = window().getShell();
        shell.setBounds(shell.getDisplay().getPrimaryMonitor().getClientArea());
        page().setEditorAreaVisible(false);
        spin(200);
    }

    /**
     * Shows these views, after hiding the ones the Debug perspective brings forward on its own when a
     * guest suspends or writes (Variables, Expressions, Console, Problems, Project Explorer), which
     * would otherwise cover them in their stacks.
     */
    static void showOnly(String... viewIds) throws org.eclipse.ui.PartInitException {
        for (String other : new String[] { "org.eclipse.debug.ui.VariableView", "org.eclipse.debug.ui.ExpressionView",
                "org.eclipse.ui.console.ConsoleView", "org.eclipse.ui.views.ProblemView",
                "org.eclipse.ui.navigator.ProjectExplorer" }) {
            var reference = page().findViewReference(other);
            if (reference != null && !java.util.Arrays.asList(viewIds).contains(other)) {
                page().hideView(reference);
            }
        }
        for (String id : viewIds) {
            page().showView(id);
        }
        spin(1000);
    }

    static File screenshotWindow(String name) {
        return screenshot(window().getShell(), name);
    }
}
