package org.shadowbench.branding.internal;

import org.eclipse.core.runtime.ILog;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.help.ui.internal.IHelpUIConstants;
import org.eclipse.help.ui.internal.views.ReusableHelpPart;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.forms.widgets.ScrolledForm;

/**
 * Opens the Help view and turns it to its Contents page (the books and their topics), as the view's own
 * Contents link does. The view has no API for its pages; its help part makes itself the active one when
 * its form is activated, which this does explicitly instead of waiting for focus events (a display
 * without a window manager may never send them).
 */
final class HelpViewContents {
    /** The Help view of {@code org.eclipse.help.ui}. */
    static final String HELP_VIEW_ID = "org.eclipse.help.ui.HelpView";

    private HelpViewContents() {
    }

    /** Shows the Help view's Contents page in the window; does nothing without a window or a page. */
    static void show(IWorkbenchWindow window) {
        IWorkbenchPage page = window == null ? null : window.getActivePage();
        if (page == null) {
            return;
        }
        IViewPart view;
        try {
            view = page.showView(HELP_VIEW_ID, null, IWorkbenchPage.VIEW_ACTIVATE);
        } catch (PartInitException e) {
            ILog.of(HelpViewContents.class).error("The Help view could not be opened", e);
            return;
        }
        MPart part = view.getSite().getService(MPart.class);
        ScrolledForm form = part != null && part.getWidget() instanceof Control control ? helpForm(control) : null;
        if (form == null) {
            ILog.of(HelpViewContents.class).warn("The Help view has no help form; it stays on its current page");
            return;
        }
        form.notifyListeners(SWT.Activate, new Event());
        ReusableHelpPart help = ReusableHelpPart.getLastActiveInstance();
        if (help != null && help.getControl() == form) {
            help.showPage(IHelpUIConstants.HV_ALL_TOPICS_PAGE, true);
        }
    }

    /** The view's help form: the first scrolled form in its widget tree. */
    private static ScrolledForm helpForm(Control control) {
        if (control instanceof ScrolledForm form) {
            return form;
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                ScrolledForm form = helpForm(child);
                if (form != null) {
                    return form;
                }
            }
        }
        return null;
    }
}
