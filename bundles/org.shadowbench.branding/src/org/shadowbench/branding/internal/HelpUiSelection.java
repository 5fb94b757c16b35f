package org.shadowbench.branding.internal;

import org.eclipse.ui.IStartup;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.internal.help.WorkbenchHelpSystem;

/**
 * Makes the workbench use the product's help UI ({@link ProductHelpUI}). With two contributions to
 * {@code org.eclipse.ui.helpSupport} (the platform's and the product's) the workbench takes the first the
 * registry lists, which depends on bundle install order; it takes a named one when asked, and this asks
 * at start-up, on the UI thread where the help system is used.
 */
public final class HelpUiSelection implements IStartup {
    @Override
    public void earlyStartup() {
        PlatformUI.getWorkbench().getDisplay().asyncExec(HelpUiSelection::select);
    }

    /** Asks the workbench's help system for the product's help UI, unless it already uses it. */
    static void select() {
        WorkbenchHelpSystem help = WorkbenchHelpSystem.getInstance();
        if (!ProductHelpUI.EXTENSION_ID.equals(help.getDesiredHelpSystemId())) {
            help.setDesiredHelpSystemId(ProductHelpUI.EXTENSION_ID);
        }
    }
}
