package org.shadowbench.branding.internal;

import java.io.IOException;
import java.net.URL;

import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.Platform;
import org.osgi.framework.Bundle;

/**
 * Help topics as files a web browser opens, for a product without the help web application that
 * would serve them. A topic's href names its bundle and its path in it; the folder holding the page
 * is extracted as a whole, so that the page's links to its neighbours and its images resolve.
 */
public final class HelpTopics {
    /** How the help system prefixes topic hrefs it has resolved for its web application. */
    private static final String TOPIC_PREFIX = "/help/topic";

    private HelpTopics() {
    }

    /**
     * The topic's page as a {@code file:} URL (with its anchor, if the href has one), or null when
     * the href names no page of an installed bundle.
     */
    public static URL fileOf(String href) throws IOException {
        String path = href;
        String anchor = "";
        int hash = path.indexOf('#');
        if (hash >= 0) {
            anchor = path.substring(hash);
            path = path.substring(0, hash);
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.startsWith(TOPIC_PREFIX)) {
            path = path.substring(TOPIC_PREFIX.length());
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            return null;
        }
        Bundle bundle = Platform.getBundle(path.substring(0, slash));
        String inBundle = path.substring(slash + 1);
        if (bundle == null || bundle.getEntry(inBundle) == null) {
            return null;
        }
        int folderEnd = inBundle.lastIndexOf('/');
        String folder = folderEnd < 0 ? "/" : inBundle.substring(0, folderEnd + 1);
        URL extracted = FileLocator.toFileURL(bundle.getEntry(folder));
        String page = inBundle.substring(folderEnd + 1);
        return new URL(extracted, page + anchor);
    }
}
