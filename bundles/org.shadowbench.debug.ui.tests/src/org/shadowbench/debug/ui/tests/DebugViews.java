package org.shadowbench.debug.ui.tests;

import org.eclipse.swt.widgets.Shell;
import org.shadowbench.ui.testing.Workbench;

/** Arranging the Debug perspective for tests that look at it (and take its picture). */
final class DebugViews {
    private DebugViews() {
    }

    /** The workbench window over the whole screen, without the editor area (the guest has no sources). */
    static void useWholeScreen() {
        Shell shell = Workbench.window().getShell();
        shell.setBounds(shell.getDisplay().getPrimaryMonitor().getClientArea());
        Workbench.page().setEditorAreaVisible(false);
        Workbench.spin(200);
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
            var reference = Workbench.page().findViewReference(other);
            if (reference != null && !java.util.Arrays.asList(viewIds).contains(other)) {
                Workbench.page().hideView(reference);
            }
        }
        for (String id : viewIds) {
            Workbench.page().showView(id);
        }
        Workbench.spin(1000);
    }
}
