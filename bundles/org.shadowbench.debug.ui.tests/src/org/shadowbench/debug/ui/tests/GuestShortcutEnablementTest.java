package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import org.eclipse.core.expressions.EvaluationContext;
import org.eclipse.core.expressions.EvaluationResult;
import org.eclipse.core.expressions.Expression;
import org.eclipse.core.expressions.ExpressionConverter;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.debug.ui.internal.BundledGuests;

/**
 * Run As / Debug As > Shadowbench Guest is offered by what a workspace file holds, not by its name:
 * the shortcut's enablement, as the platform declares it, is evaluated on real workspace files.
 */
class GuestShortcutEnablementTest {
    private IProject project;

    @BeforeEach
    void project() throws Exception {
        project = ResourcesPlugin.getWorkspace().getRoot().getProject("shortcut-enablement");
        if (!project.exists()) {
            project.create(null);
        }
        project.open(null);
    }

    @AfterEach
    void removeProject() throws Exception {
        project.delete(true, true, null);
    }

    @Test
    void aMultibootElfIsLaunchableWhateverItsName() throws Exception {
        byte[] demo = Files.readAllBytes(BundledGuests.demoFile());
        assertTrue(enabledOn(file("guest.bin", demo)), "a multiboot ELF named guest.bin");
        assertTrue(enabledOn(file("os", demo)), "a multiboot ELF named os");
    }

    @Test
    void aTextFileNamedKernelOrElfIsNot() throws Exception {
        byte[] text = "kernel notes, not a kernel\n".getBytes(StandardCharsets.US_ASCII);
        assertFalse(enabledOn(file("kernel", text)), "a text file named kernel");
        assertFalse(enabledOn(file("notes.elf", text)), "a text file named *.elf");
        byte[] notMultiboot = Files.readAllBytes(BundledGuests.demoFile());
        for (int at = 0; at + 4 <= 8192; at += 4) {
            if ((notMultiboot[at] & 0xff) == 0x02 && (notMultiboot[at + 1] & 0xff) == 0xb0
                    && (notMultiboot[at + 2] & 0xff) == 0xad && (notMultiboot[at + 3] & 0xff) == 0x1b) {
                notMultiboot[at] = 0; // the multiboot magic gone: an ELF the loader refuses
            }
        }
        assertFalse(enabledOn(file("kernelmemfs", notMultiboot)), "an ELF without a multiboot header");
    }

    private IFile file(String name, byte[] contents) throws Exception {
        IFile file = project.getFile(name);
        file.create(new ByteArrayInputStream(contents), true, null);
        return file;
    }

    /** The shortcut's contextual launch enablement, evaluated as the launch menus do on a selection. */
    private static boolean enabledOn(IFile file) throws Exception {
        IConfigurationElement shortcut = null;
        for (IConfigurationElement element : Platform.getExtensionRegistry()
                .getConfigurationElementsFor("org.eclipse.debug.ui.launchShortcuts")) {
            if ("org.shadowbench.debug.ui.shortcut".equals(element.getAttribute("id"))) {
                shortcut = element;
            }
        }
        assertNotNull(shortcut, "the Shadowbench Guest launch shortcut is declared");
        IConfigurationElement[] contextual = shortcut.getChildren("contextualLaunch");
        assertEquals(1, contextual.length);
        IConfigurationElement[] enablement = contextual[0].getChildren("enablement");
        assertEquals(1, enablement.length);
        Expression expression = ExpressionConverter.getDefault().perform(enablement[0]);
        List<IFile> selection = List.of(file);
        EvaluationContext context = new EvaluationContext(null, selection);
        context.addVariable("selection", selection);
        return expression.evaluate(context) == EvaluationResult.TRUE;
    }
}
