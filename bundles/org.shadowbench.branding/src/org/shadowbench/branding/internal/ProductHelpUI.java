package org.shadowbench.branding.internal;

import java.io.IOException;
import java.net.URL;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IExtension;
import org.eclipse.core.runtime.IExtensionPoint;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.Platform;
import org.eclipse.help.IContext;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.help.AbstractHelpUI;

/**
 * The workbench product's help UI. It hands every request to the platform's help UI (the one
 * {@code org.eclipse.help.ui} contributes), except the two that need the help web application when the
 * product does not carry it: Help Contents and opening a help resource in the help window. Help Contents
 * shows the Help view's Contents page, where the books and their topics are listed, and a topic opens
 * in the system's web browser from its bundle's files, because the platform's help UI would start the
 * web server and fail with a {@link NoClassDefFoundError} out of the menu item.
 */
public final class ProductHelpUI extends AbstractHelpUI {
    /** The unique id of this help UI's extension, which {@link HelpUiSelection} asks the workbench for. */
    static final String EXTENSION_ID = "org.shadowbench.branding.helpSupport";

    private static final String HELP_SUPPORT_POINT = "helpSupport";
    /** The bundles the help window's pages are served by: the web application and its Jetty starter. */
    private static final String[] WEB_APPLICATION_BUNDLES = { "org.eclipse.help.webapp", "org.eclipse.equinox.http.jetty" };

    private AbstractHelpUI platform;
    private boolean platformLookedUp;

    @Override
    public void displayHelp() {
        if (hasWebApplication() && platform() != null) {
            platform().displayHelp();
        } else {
            HelpViewContents.show(PlatformUI.getWorkbench().getActiveWorkbenchWindow());
        }
    }

    /**
     * Without the web application, a topic opens in the system's web browser from its bundle's files;
     * where there is no browser (or no such topic), the Help view's Contents page shows instead.
     */
    @Override
    public void displayHelpResource(String href) {
        if (hasWebApplication() && platform() != null) {
            platform().displayHelpResource(href);
            return;
        }
        try {
            URL page = HelpTopics.fileOf(href);
            if (page != null) {
                PlatformUI.getWorkbench().getBrowserSupport().getExternalBrowser().openURL(page);
                return;
            }
        } catch (IOException | PartInitException e) {
            ILog.of(ProductHelpUI.class).warn("Cannot open the help topic " + href + " in a web browser", e);
        }
        HelpViewContents.show(PlatformUI.getWorkbench().getActiveWorkbenchWindow());
    }

    @Override
    public void displaySearch() {
        if (platform() != null) {
            platform().displaySearch();
        }
    }

    @Override
    public void displayDynamicHelp() {
        if (platform() != null) {
            platform().displayDynamicHelp();
        }
    }

    @Override
    public void search(String expression) {
        if (platform() != null) {
            platform().search(expression);
        }
    }

    @Override
    public URL resolve(String href, boolean documentOnly) {
        return platform() != null ? platform().resolve(href, documentOnly) : null;
    }

    @Override
    public void displayContext(IContext context, int x, int y) {
        if (platform() != null) {
            platform().displayContext(context, x, y);
        }
    }

    @Override
    public boolean isContextHelpDisplayed() {
        return platform() != null && platform().isContextHelpDisplayed();
    }

    /** True when the help window's pages can be served (both web application bundles are installed). */
    static boolean hasWebApplication() {
        for (String bundle : WEB_APPLICATION_BUNDLES) {
            if (Platform.getBundle(bundle) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The platform's help UI: the other contribution to {@code org.eclipse.ui.helpSupport}, made through
     * the registry so that this bundle names none of its classes. Null when there is none.
     */
    private AbstractHelpUI platform() {
        if (!platformLookedUp) {
            platformLookedUp = true;
            platform = createPlatformHelpUI();
        }
        return platform;
    }

    private static AbstractHelpUI createPlatformHelpUI() {
        IExtensionPoint point = Platform.getExtensionRegistry().getExtensionPoint(PlatformUI.PLUGIN_ID, HELP_SUPPORT_POINT);
        if (point == null) {
            return null;
        }
        for (IExtension extension : point.getExtensions()) {
            if (EXTENSION_ID.equals(extension.getUniqueIdentifier())) {
                continue;
            }
            for (IConfigurationElement element : extension.getConfigurationElements()) {
                try {
                    if (element.createExecutableExtension("class") instanceof AbstractHelpUI helpUI) {
                        return helpUI;
                    }
                } catch (CoreException e) {
                    ILog.of(ProductHelpUI.class).log(e.getStatus());
                }
            }
        }
        return null;
    }
}
