package org.shadowbench.ui.internal;

import java.io.File;

import org.eclipse.jface.action.Action;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.part.ViewPart;

/**
 * The "Export PNG..." action of the views: the view's control painted into an image (its own
 * pixels, whatever overlaps it on screen) and saved where a file dialog says.
 */
public final class PngExport extends Action {
    private final ViewPart view;
    private final Control control;

    private PngExport(ViewPart view, Control control) {
        super("Export PNG...");
        setToolTipText("Save a picture of this view as a PNG file");
        this.view = view;
        this.control = control;
    }

    /** Adds the action to the view's menu. */
    static void contribute(ViewPart view, Control control) {
        view.getViewSite().getActionBars().getMenuManager().add(new PngExport(view, control));
    }

    @Override
    public void run() {
        FileDialog dialog = new FileDialog(control.getShell(), SWT.SAVE);
        dialog.setFilterExtensions(new String[] { "*.png" });
        dialog.setFileName(view.getPartName().replaceAll("[^A-Za-z0-9.-]+", "-").toLowerCase(java.util.Locale.ROOT) + ".png");
        dialog.setOverwrite(true);
        String path = dialog.open();
        if (path != null) {
            save(control, new File(path));
        }
    }

    /** Paints the control into an image the size of the control. */
    public static ImageData render(Control control) {
        Point size = control.getSize();
        Image image = new Image(control.getDisplay(), Math.max(1, size.x), Math.max(1, size.y));
        try {
            GC gc = new GC(image);
            try {
                control.print(gc);
            } finally {
                gc.dispose();
            }
            return image.getImageData();
        } finally {
            image.dispose();
            // On GTK, printing can leave the control blank on screen until it paints again.
            control.redraw();
        }
    }

    /** Saves the control's picture as a PNG file (UI thread). */
    public static void save(Control control, File file) {
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] { render(control) };
        loader.save(file.getPath(), SWT.IMAGE_PNG);
    }

    /** The control a view exports, for tests: the one its action paints. */
    public static Control exportedControl(ViewPart view) {
        for (var item : view.getViewSite().getActionBars().getMenuManager().getItems()) {
            if (item instanceof org.eclipse.jface.action.ActionContributionItem contribution
                    && contribution.getAction() instanceof PngExport export) {
                return export.control;
            }
        }
        return null;
    }
}
