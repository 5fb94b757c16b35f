package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IViewReference;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IOConsole;
import org.shadowbench.ui.MachineSession;

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

    /** Closes the view if it is open. */
    static void hide(String id) {
        IViewPart view = page().findView(id);
        if (view != null) {
            page().hideView(view);
        }
    }

    /** Runs the event loop for a while (the views refresh through it). */
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

    /** The console the machine's COM1 is connected to, or null. */
    static IOConsole com1(MachineSession session) {
        for (IConsole console : ConsolePlugin.getDefault().getConsoleManager().getConsoles()) {
            if (console.getName().equals("COM1 - " + session.name())) {
                return (IOConsole) console;
            }
        }
        return null;
    }

    /** The workbench window as the screen shows it. */
    static File screenshotWindow(String name) {
        Shell shell = window().getShell();
        // Copying from the X server shows only what was painted: let pending paints happen first.
        spin(300);
        shell.update();
        Rectangle bounds = shell.getBounds();
        Image image = new Image(shell.getDisplay(), bounds.width, bounds.height);
        GC gc = new GC(shell.getDisplay());
        try {
            gc.copyArea(image, bounds.x, bounds.y);
        } finally {
            gc.dispose();
        }
        return save(image, name);
    }

    /** A control painted into an image (its own pixels, whatever overlaps it on screen). */
    static ImageData print(Control control) {
        Point size = control.getSize();
        Image image = new Image(control.getDisplay(), Math.max(1, size.x), Math.max(1, size.y));
        GC gc = new GC(image);
        try {
            control.print(gc);
        } finally {
            gc.dispose();
        }
        ImageData data = image.getImageData();
        image.dispose();
        // On GTK, printing leaves the control blank on screen until its next paint.
        control.redraw();
        control.update();
        return data;
    }

    static File screenshotControl(Control control, String name) {
        Image image = new Image(control.getDisplay(), print(control));
        return save(image, name);
    }

    /** The view maximized (for a legible picture), its control painted, and the layout restored. */
    static File screenshotMaximized(IViewPart view, Control control, String name) {
        IWorkbenchPage page = page();
        IViewReference reference = (IViewReference) page.getReference(view);
        page.setPartState(reference, IWorkbenchPage.STATE_MAXIMIZED);
        try {
            spin(400);
            return screenshotControl(control, name);
        } finally {
            page.setPartState(reference, IWorkbenchPage.STATE_RESTORED);
            spin(200);
        }
    }

    private static File save(Image image, String name) {
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
}
