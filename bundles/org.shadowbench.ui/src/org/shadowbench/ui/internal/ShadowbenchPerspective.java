package org.shadowbench.ui.internal;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;
import org.eclipse.ui.console.IConsoleConstants;

/**
 * Machines at the top; the memory map with the console, events and statistics below it; handlers,
 * the pool and the page walk on the right.
 */
public final class ShadowbenchPerspective implements IPerspectiveFactory {
    public static final String ID = "org.shadowbench.ui.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editors = layout.getEditorArea();
        layout.addView(MachinesView.ID, IPageLayout.TOP, 0.2f, editors);
        layout.addView(MemoryMapView.ID, IPageLayout.LEFT, 0.6f, editors);
        IFolderLayout bottom = layout.createFolder("org.shadowbench.ui.bottom", IPageLayout.BOTTOM, 0.72f, MemoryMapView.ID);
        bottom.addView(IConsoleConstants.ID_CONSOLE_VIEW);
        bottom.addView(EventsView.ID);
        bottom.addView(StatisticsView.ID);
        bottom.addView(VgaTextView.ID);
        IFolderLayout right = layout.createFolder("org.shadowbench.ui.right", IPageLayout.RIGHT, 0.58f, MemoryMapView.ID);
        right.addView(HandlersView.ID);
        right.addView(PoolView.ID);
        right.addView(PageWalkView.ID);
        layout.addShowViewShortcut(MachinesView.ID);
        layout.addShowViewShortcut(MemoryMapView.ID);
        layout.addShowViewShortcut(HandlersView.ID);
        layout.addShowViewShortcut(PoolView.ID);
        layout.addShowViewShortcut(PageWalkView.ID);
        layout.addShowViewShortcut(StatisticsView.ID);
        layout.addShowViewShortcut(EventsView.ID);
        layout.addShowViewShortcut(VgaTextView.ID);
        layout.addShowViewShortcut(IConsoleConstants.ID_CONSOLE_VIEW);
    }
}
