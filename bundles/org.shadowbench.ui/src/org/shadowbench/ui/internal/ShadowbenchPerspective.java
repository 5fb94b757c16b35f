package org.shadowbench.ui.internal;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;
import org.eclipse.ui.console.IConsoleConstants;

/** Machines on the left, the console below. */
public final class ShadowbenchPerspective implements IPerspectiveFactory {
    public static final String ID = "org.shadowbench.ui.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        String editors = layout.getEditorArea();
        layout.addView(MachinesView.ID, IPageLayout.LEFT, 0.28f, editors);
        IFolderLayout bottom = layout.createFolder("org.shadowbench.ui.bottom", IPageLayout.BOTTOM, 0.62f, editors);
        bottom.addView(IConsoleConstants.ID_CONSOLE_VIEW);
        layout.addShowViewShortcut(MachinesView.ID);
        layout.addShowViewShortcut(IConsoleConstants.ID_CONSOLE_VIEW);
    }
}
