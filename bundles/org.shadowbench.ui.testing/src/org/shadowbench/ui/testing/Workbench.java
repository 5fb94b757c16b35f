package org.shadowbench.ui.testing;

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

/**
 * What a workbench test on the UI thread needs beside its assertions: the window and page, running
 * the event loop (views refresh through it) for a while or until a condition holds, and screenshots
 * saved as PNG files under {@code target/screenshots} (or the {@code shadowbench.screenshots} folder).
 */
public final class Workbench {
    /** Where screenshots are saved. */
    public static final File SCREENSHOTS = new File(System.getProperty("shadowbench.screenshots", "target/screenshots"));

    private Workbench() {
    }

    public static IWorkbenchWindow window() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        return window != null ? window : PlatformUI.getWorkbench().getWorkbenchWindows()[0];
    }

    public static IWorkbenchPage page() {
        return window().getActivePage();
    }

    /** Closes the view if it is open. */
    public static void hide(String id) {
        IViewPart view = page().findView(id);
        if (view != null) {
            page().hideView(view);
        }
    }

    /** Runs the event loop for a while. */
    public static void spin(long millis) {
        Display display = Display.getCurrent();
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (!display.readAndDispatch()) {
                display.timerExec(10, () -> { });
                display.sleep();
            }
        }
    }

    /** Runs the event loop until the condition holds; fails the test after the timeout. */
    public static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            spin(20);
        }
    }

    /** The workbench window as the screen shows it. */
    public static File screenshotWindow(String name) {
        return screenshot(window().getShell(), name);
    }

    /** A shell (the workbench window or a dialog) as the screen shows it. */
    public static File screenshot(Shell shell, String name) {
        // Copying from the X server shows only what was painted: let pending paints happen first.
        spin(400);
        shell.update();
        // The shell's bounds: the menu bar and the client area (under Xvfb no window manager adds a frame).
        Rectangle bounds = shell.getBounds();
        Image image = new Image(shell.getDisplay(), Math.max(1, bounds.width), Math.max(1, bounds.height));
        GC gc = new GC(shell.getDisplay());
        try {
            gc.copyArea(image, bounds.x, bounds.y);
        } finally {
            gc.dispose();
        }
        return save(image, name);
    }

    /** A control painted into an image (its own pixels, whatever overlaps it on screen). */
    public static ImageData print(Control control) {
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

    public static File screenshotControl(Control control, String name) {
        return save(new Image(control.getDisplay(), print(control)), name);
    }

    /** The view maximized (for a legible picture), its control painted, and the layout restored. */
    public static File screenshotMaximized(IViewPart view, Control control, String name) {
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
