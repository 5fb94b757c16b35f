package org.shadowbench.debug.ui.internal;

import java.io.IOException;
import java.io.InputStream;

import org.eclipse.core.expressions.PropertyTester;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.content.IContentType;
import org.eclipse.core.runtime.content.IContentTypeManager;

/**
 * Property {@code org.shadowbench.debug.ui.guest} of a workspace file: whether its content is of the
 * "Shadowbench Guest" content type, so Run As / Debug As follow what the file is, not its name. The
 * content type has no file names (any name may hold a kernel), and the platform only runs the
 * describers of types that match a file's name when it describes a file, so the file is asked by its
 * content alone.
 */
public final class GuestFileTester extends PropertyTester {
    /** The content type the debugger's bundle declares. */
    public static final String GUEST_CONTENT_TYPE = "org.shadowbench.debug.guestKernel";
    static final String GUEST = "guest";

    @Override
    public boolean test(Object receiver, String property, Object[] args, Object expectedValue) {
        boolean expected = expectedValue == null || Boolean.parseBoolean(expectedValue.toString());
        return GUEST.equals(property) && receiver instanceof IFile file && isGuest(file) == expected;
    }

    /** Whether the file's content is a guest the launch type boots; false when it cannot be read. */
    public static boolean isGuest(IFile file) {
        IContentTypeManager manager = Platform.getContentTypeManager();
        IContentType guest = manager.getContentType(GUEST_CONTENT_TYPE);
        if (guest == null || !file.exists()) {
            return false;
        }
        try (InputStream contents = file.getContents(true)) {
            for (IContentType type : manager.findContentTypesFor(contents, null)) {
                if (type.isKindOf(guest)) {
                    return true;
                }
            }
            return false;
        } catch (CoreException | IOException e) {
            return false; // gone or unreadable: nothing to launch
        }
    }
}
