package org.shadowbench.debug.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.Adapters;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.ILaunchShortcut2;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IPathEditorInput;
import org.shadowbench.debug.ShadowbenchDebug;

/**
 * Run As / Debug As > Shadowbench Guest on a kernel file (a file of the "Shadowbench Guest" content
 * type, see {@link GuestFileTester}): launches the configuration that names the file, or a new one with the preferences'
 * defaults.
 */
public final class GuestLaunchShortcut implements ILaunchShortcut2 {
    @Override
    public void launch(ISelection selection, String mode) {
        launch(guestOf(selection), mode);
    }

    @Override
    public void launch(IEditorPart editor, String mode) {
        launch(guestOf(editor.getEditorInput()), mode);
    }

    private static void launch(Path guest, String mode) {
        if (guest == null) {
            return;
        }
        try {
            DebugUITools.launch(configurationFor(guest), mode);
        } catch (CoreException e) {
            DebugUiActivator.log().error("cannot create a launch configuration for " + guest, e);
        }
    }

    /** The saved configuration naming {@code guest}, or a new saved one with the default settings. */
    public static ILaunchConfiguration configurationFor(Path guest) throws CoreException {
        List<ILaunchConfiguration> existing = configurationsOf(guest);
        if (!existing.isEmpty()) {
            return existing.get(0);
        }
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationType type = manager.getLaunchConfigurationType(ShadowbenchDebug.LAUNCH_TYPE);
        ILaunchConfigurationWorkingCopy copy = type.newInstance(null,
                manager.generateLaunchConfigurationName(guest.getFileName().toString()));
        copy.setAttribute(ShadowbenchDebug.ATTR_GUEST, guest.toString());
        Preferences.applyDefaults(copy);
        copy.setAttribute(ShadowbenchDebug.ATTR_GUEST_ECHOES, true);
        return copy.doSave();
    }

    private static List<ILaunchConfiguration> configurationsOf(Path guest) {
        List<ILaunchConfiguration> found = new ArrayList<>();
        if (guest == null) {
            return found;
        }
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        try {
            for (ILaunchConfiguration configuration : manager.getLaunchConfigurations(
                    manager.getLaunchConfigurationType(ShadowbenchDebug.LAUNCH_TYPE))) {
                if (guest.toString().equals(configuration.getAttribute(ShadowbenchDebug.ATTR_GUEST, ""))) {
                    found.add(configuration);
                }
            }
        } catch (CoreException e) {
            DebugUiActivator.log().error("cannot list the Shadowbench Guest configurations", e);
        }
        return found;
    }

    /** The kernel file a selection names: a workspace file, or a path. */
    static Path guestOf(ISelection selection) {
        if (selection instanceof IStructuredSelection structured && structured.size() == 1) {
            Object element = structured.getFirstElement();
            if (element instanceof Path path) {
                return path;
            }
            if (element instanceof java.io.File file) {
                return file.toPath();
            }
            IResource resource = Adapters.adapt(element, IResource.class);
            if (resource instanceof IFile file && file.getLocation() != null) {
                return file.getLocation().toPath();
            }
        }
        return null;
    }

    private static Path guestOf(IEditorInput input) {
        IFile file = Adapters.adapt(input, IFile.class);
        if (file != null && file.getLocation() != null) {
            return file.getLocation().toPath();
        }
        if (input instanceof IPathEditorInput pathInput) {
            IPath path = pathInput.getPath();
            return path == null ? null : path.toPath();
        }
        return null;
    }

    @Override
    public ILaunchConfiguration[] getLaunchConfigurations(ISelection selection) {
        return configurationsOf(guestOf(selection)).toArray(ILaunchConfiguration[]::new);
    }

    @Override
    public ILaunchConfiguration[] getLaunchConfigurations(IEditorPart editor) {
        return configurationsOf(guestOf(editor.getEditorInput())).toArray(ILaunchConfiguration[]::new);
    }

    @Override
    public IResource getLaunchableResource(ISelection selection) {
        return selection instanceof IStructuredSelection structured && structured.size() == 1
                ? Adapters.adapt(structured.getFirstElement(), IResource.class) : null;
    }

    @Override
    public IResource getLaunchableResource(IEditorPart editor) {
        return Adapters.adapt(editor.getEditorInput(), IFile.class);
    }
}
