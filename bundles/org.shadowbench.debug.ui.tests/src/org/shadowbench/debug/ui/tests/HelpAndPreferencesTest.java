package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.help.HelpSystem;
import org.eclipse.help.IToc;
import org.eclipse.help.ITopic;
import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.swt.widgets.Text;
import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.commands.ICommandService;
import org.shadowbench.ui.testing.Workbench;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.ui.dialogs.PreferencesUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.shadowbench.debug.ui.internal.DebugUiActivator;
import org.shadowbench.ui.MachineDefaults;

/**
 * The help contents (a Shadowbench book whose pages exist), the cheat sheet (registered, its commands real) and
 * the preference page (bad values refused; good ones saved where the launch shortcut reads them).
 */
class HelpAndPreferencesTest {
    @AfterEach
    void resetPreferences() throws Exception {
        var node = InstanceScope.INSTANCE.getNode(MachineDefaults.NODE);
        node.clear();
        node.flush();
    }

    @Test
    void theHelpBookHasTheGettingStartedPage() throws Exception {
        IToc book = null;
        for (IToc toc : HelpSystem.getTocs()) {
            if (toc.getLabel().equals("Shadowbench")) {
                book = toc;
            }
        }
        assertNotNull(book, "a Shadowbench book in the help contents");
        ITopic[] topics = book.getTopics();
        assertEquals("Getting started", topics[0].getLabel());
        Bundle bundle = Platform.getBundle(DebugUiActivator.BUNDLE);
        for (ITopic topic : topics) {
            String path = topic.getHref().replaceFirst("^/" + DebugUiActivator.BUNDLE + "/", "");
            URL page = FileLocator.find(bundle, new org.eclipse.core.runtime.Path(path));
            assertNotNull(page, "the page of " + topic.getLabel() + ": " + topic.getHref());
            try (InputStream in = page.openStream()) {
                String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(html.contains("<h1>" + topic.getLabel().replace("Getting started", "Getting started with Shadowbench")),
                        topic.getLabel());
            }
        }
    }

    /**
     * The cheat sheet is registered and its steps' commands exist. (Its display in the Cheat Sheets view:
     * {@link HelpDisplayTest}.)
     */
    @Test
    void theCheatSheetIsRegisteredAndItsCommandsExist() throws Exception {
        IConfigurationElement sheet = null;
        for (IConfigurationElement element : Platform.getExtensionRegistry()
                .getConfigurationElementsFor("org.eclipse.ui.cheatsheets.cheatSheetContent")) {
            if ("org.shadowbench.debug.ui.cheatsheet.debugDemo".equals(element.getAttribute("id"))) {
                sheet = element;
            }
        }
        assertNotNull(sheet, "the cheat sheet is contributed");
        URL content = FileLocator.find(Platform.getBundle(DebugUiActivator.BUNDLE),
                new org.eclipse.core.runtime.Path(sheet.getAttribute("contentFile")));
        assertNotNull(content, "its content file is in the bundle");
        Document document;
        try (InputStream in = content.openStream()) {
            document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        assertEquals("Debug the demo guest", document.getDocumentElement().getAttribute("title"));
        NodeList items = document.getElementsByTagName("item");
        assertEquals(5, items.getLength());
        ICommandService commands = PlatformUI.getWorkbench().getService(ICommandService.class);
        NodeList steps = document.getElementsByTagName("command");
        assertTrue(steps.getLength() >= 2);
        for (int i = 0; i < steps.getLength(); i++) {
            String serialization = ((Element) steps.item(i)).getAttribute("serialization");
            ParameterizedCommand command = commands.deserialize(serialization);
            assertTrue(command.getCommand().isDefined(), serialization);
        }
    }

    @Test
    void thePreferencePageRefusesBadValuesAndSavesGoodOnes() {
        PreferenceDialog dialog = PreferencesUtil.createPreferenceDialogOn(Workbench.window().getShell(),
                "org.shadowbench.debug.ui.preferences", null, null);
        dialog.setBlockOnOpen(false);
        dialog.open();
        try {
            var page = (org.eclipse.jface.preference.PreferencePage) dialog.getSelectedPage();
            var fields = DebugUiTest.texts(page.getControl());
            assertEquals(4, fields.size(), "RAM, pool size, modification limit, refresh period");
            Text ram = fields.get(0);
            Text pool = fields.get(1);
            Text limit = fields.get(2);
            Text refresh = fields.get(3);
            assertEquals("64", ram.getText());
            ram.setText("1");
            ram.notifyListeners(org.eclipse.swt.SWT.KeyUp, new org.eclipse.swt.widgets.Event());
            assertFalse(page.isValid(), "1 MiB is too little");
            ram.setText("96");
            ram.notifyListeners(org.eclipse.swt.SWT.KeyUp, new org.eclipse.swt.widgets.Event());
            pool.setText("8");
            pool.notifyListeners(org.eclipse.swt.SWT.KeyUp, new org.eclipse.swt.widgets.Event());
            assertFalse(page.isValid(), "a pool of 8 pages");
            pool.setText("256");
            pool.notifyListeners(org.eclipse.swt.SWT.KeyUp, new org.eclipse.swt.widgets.Event());
            assertTrue(page.isValid(), page.getErrorMessage());
            refresh.setText("5");
            refresh.notifyListeners(org.eclipse.swt.SWT.KeyUp, new org.eclipse.swt.widgets.Event());
            assertFalse(page.isValid(), "a 5 ms refresh");
            refresh.setText("200");
            refresh.notifyListeners(org.eclipse.swt.SWT.KeyUp, new org.eclipse.swt.widgets.Event());
            limit.setText("24");
            limit.notifyListeners(org.eclipse.swt.SWT.KeyUp, new org.eclipse.swt.widgets.Event());
            assertTrue(page.isValid(), page.getErrorMessage());
            Workbench.screenshot(dialog.getShell(), "preferences.png");
            assertTrue(page.performOk());
            assertEquals(96, MachineDefaults.ramMiB());
            assertEquals(256, MachineDefaults.poolPages());
            assertEquals(24, MachineDefaults.modificationLimit());
            assertEquals(200, MachineDefaults.refreshMillis());
        } finally {
            dialog.close();
        }
    }
}
