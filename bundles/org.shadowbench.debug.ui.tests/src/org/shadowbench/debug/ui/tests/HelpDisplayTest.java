package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.Platform;
import org.eclipse.help.internal.base.BaseHelpSystem;
import org.eclipse.help.internal.search.ISearchHitCollector;
import org.eclipse.help.internal.search.QueryTooComplexException;
import org.eclipse.help.internal.search.SearchHit;
import org.eclipse.help.internal.search.SearchQuery;
import org.eclipse.help.ui.internal.IHelpUIConstants;
import org.eclipse.help.ui.internal.views.HelpView;
import org.eclipse.help.ui.internal.views.ReusableHelpPart;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.cheatsheets.OpenCheatSheetAction;
import org.eclipse.ui.forms.widgets.ExpandableComposite;
import org.eclipse.ui.handlers.IHandlerService;
import org.eclipse.ui.internal.help.WorkbenchHelpSystem;
import org.eclipse.ui.internal.cheatsheets.views.CheatSheetView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.branding.internal.HelpTopics;
import org.shadowbench.ui.testing.Workbench;

/**
 * The help system's own views show Shadowbench's help: the Cheat Sheets view opens the cheat sheet
 * with its steps, and the Help view's contents list the Shadowbench book with its topics. With the
 * workbench product's branding bundle in the runtime, as in the product, Help &gt; Help Contents (its
 * command, and its menu item clicked) opens that Contents page rather than failing to start the help
 * web application, which the product lacks. Screenshots: {@code cheatsheet.png},
 * {@code help-contents.png}, {@code help-contents-command.png}, {@code help-contents-menu.png}.
 */
class HelpDisplayTest {
    private static final String CHEAT_SHEET = "org.shadowbench.debug.ui.cheatsheet.debugDemo";
    private static final String CHEAT_SHEET_VIEW = "org.eclipse.ui.cheatsheets.views.CheatSheetView";
    private static final String HELP_VIEW = "org.eclipse.help.ui.HelpView";
    private static final String HELP_CONTENTS_COMMAND = "org.eclipse.ui.help.helpContents";
    /** The branding bundle's help UI, which its start-up asks the workbench to use. */
    private static final String PRODUCT_HELP_UI = "org.shadowbench.branding.helpSupport";
    private static final long WAIT = 30_000;

    @BeforeEach
    void screen() {
        DebugViews.useWholeScreen();
    }

    @AfterEach
    void closeViews() {
        for (String id : new String[] { CHEAT_SHEET_VIEW, HELP_VIEW }) {
            var reference = Workbench.page().findViewReference(id);
            if (reference != null) {
                Workbench.page().hideView(reference);
            }
        }
    }

    @Test
    void theCheatSheetOpensInTheCheatSheetsViewWithItsSteps() throws Exception {
        new OpenCheatSheetAction(CHEAT_SHEET).run();
        Workbench.await("the Cheat Sheets view", WAIT, () -> Workbench.page().findView(CHEAT_SHEET_VIEW) != null);
        CheatSheetView view = (CheatSheetView) Workbench.page().findView(CHEAT_SHEET_VIEW);
        Workbench.page().setPartState(Workbench.page().getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
        Workbench.await("the cheat sheet in the view", WAIT, () -> CHEAT_SHEET.equals(view.getCheatSheetViewer().getCheatSheetID()));
        Control control = view.getCheatSheetViewer().getControl();
        List<String> texts = new ArrayList<>();
        Workbench.await("the cheat sheet's steps drawn", WAIT, () -> {
            texts.clear();
            collectTexts(control, texts);
            return texts.contains("Watch a page table");
        });
        for (String title : new String[] { "Debug the demo guest", "Open the Shadowbench perspective",
                "Create a Shadowbench Guest configuration", "Add a linear breakpoint", "Step and read memory" }) {
            assertTrue(texts.contains(title), "the cheat sheet shows '" + title + "': " + texts);
        }
        Workbench.spin(500);
        Workbench.screenshotWindow("cheatsheet.png");
        Workbench.page().setPartState(Workbench.page().getReference(view), IWorkbenchPage.STATE_RESTORED);
    }

    @Test
    void theHelpSearchFindsShadowbenchTopicsAgainOnceItsIndexExists() {
        // The first search builds the index and records the version of the bundle it knows as Lucene's
        // core; every later search checks that record. Under a wrapped jar's own name no version was
        // found, an empty one was recorded, and the second search failed parsing it ("invalid version").
        assertNotNull(Platform.getBundle("org.apache.lucene.core"), "Lucene's core under the name the help index looks for");
        for (int search = 1; search <= 2; search++) {
            List<String> hrefs = new ArrayList<>();
            BaseHelpSystem.getLocalSearchManager().search(new SearchQuery("breakpoint", false, List.of(), Platform.getNL()),
                    new ISearchHitCollector() {
                        @Override
                        public void addHits(List<SearchHit> hits, String wordsSearched) {
                            hits.forEach(hit -> hrefs.add(hit.getHref()));
                        }

                        @Override
                        public void addQTCException(QueryTooComplexException e) {
                            throw new AssertionError("query too complex", e);
                        }
                    }, new NullProgressMonitor());
            assertTrue(hrefs.stream().anyMatch(href -> href.startsWith("/org.shadowbench.debug.ui/")),
                    "search " + search + " finds the debugger's topics: " + hrefs);
        }
    }

    @Test
    void theHelpViewsContentsListTheShadowbenchBook() throws Exception {
        IViewPart view = Workbench.page().showView(HELP_VIEW);
        assertTrue(view instanceof HelpView, "the help system's Help view: " + view);
        Workbench.page().setPartState(Workbench.page().getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
        Workbench.await("the Help view's part", WAIT, () -> ReusableHelpPart.getLastActiveInstance() != null);
        ReusableHelpPart help = ReusableHelpPart.getLastActiveInstance();
        help.showPage(IHelpUIConstants.HV_ALL_TOPICS_PAGE);
        TreeItem[] book = new TreeItem[1];
        Workbench.await("the Shadowbench book in the contents", WAIT, () -> {
            book[0] = findBook(help.getControl(), "Shadowbench");
            return book[0] != null;
        });
        book[0].getParent().setSelection(book[0]);
        book[0].setExpanded(true);
        Workbench.spin(300);
        // The tree fills a book's topics lazily: the expansion above asks for them.
        var tree = book[0].getParent();
        var expand = new org.eclipse.swt.widgets.Event();
        expand.item = book[0];
        tree.notifyListeners(org.eclipse.swt.SWT.Expand, expand);
        book[0].setExpanded(true);
        Workbench.await("the book's topics", WAIT, () -> book[0].getItemCount() == 2 && !book[0].getItem(0).getText().isEmpty());
        assertEquals("Getting started", book[0].getItem(0).getText());
        assertEquals("Debugging a guest", book[0].getItem(1).getText());
        Workbench.spin(500);
        Workbench.screenshotWindow("help-contents.png");
        Workbench.page().setPartState(Workbench.page().getReference(view), IWorkbenchPage.STATE_RESTORED);
    }

    @Test
    void helpContentsCommandOpensTheHelpViewsContentsPage() throws Exception {
        awaitProductHelpUi();
        IHandlerService handlers = Workbench.window().getService(IHandlerService.class);
        // Without the product's help UI this throws NoClassDefFoundError (JettyConfigurator) out of here.
        handlers.executeCommand(HELP_CONTENTS_COMMAND, null);
        assertContentsPageWithTheBook("help-contents-command.png");
    }

    @Test
    void helpContentsMenuItemOpensTheHelpViewsContentsPage() throws Exception {
        awaitProductHelpUi();
        // The IDE's Help Contents menu item runs its action directly, not the command: click it.
        Menu helpMenu = menuItem(Workbench.window().getShell().getMenuBar(), "Help").getMenu();
        MenuItem helpContents = menuItem(helpMenu, "Help Contents");
        assertTrue(helpContents.isEnabled(), "Help > Help Contents is enabled");
        helpContents.notifyListeners(org.eclipse.swt.SWT.Selection, new Event());
        helpMenu.notifyListeners(org.eclipse.swt.SWT.Hide, new Event());
        assertContentsPageWithTheBook("help-contents-menu.png");
    }

    @Test
    void aTopicBecomesAFileAWebBrowserOpensWithItsNeighbours() throws Exception {
        // Without the help web application the product opens topics from these files.
        URL page = HelpTopics.fileOf("/org.shadowbench.debug.ui/help/getting-started.html#launch");
        assertNotNull(page, "the getting-started topic");
        assertEquals("file", page.getProtocol());
        assertEquals("launch", page.getRef());
        Path file = Path.of(page.toURI().getPath());
        assertTrue(Files.readString(file).contains("Getting started"), file.toString());
        assertTrue(Files.isRegularFile(file.resolveSibling("debugging.html")), "the page it links to is there too");
        assertEquals(page.toString(), HelpTopics.fileOf("/help/topic/org.shadowbench.debug.ui/help/getting-started.html#launch")
                .toString(), "the help system's web form of the same href");
        assertNull(HelpTopics.fileOf("/org.shadowbench.debug.ui/help/no-such-page.html"));
        assertNull(HelpTopics.fileOf("/no.such.bundle/help/getting-started.html"));
        assertNull(HelpTopics.fileOf("getting-started.html"));
    }

    /** The branding bundle's start-up has asked the workbench for its help UI (it runs after the window opens). */
    private static void awaitProductHelpUi() {
        Workbench.await("the product's help UI chosen at start-up", WAIT,
                () -> PRODUCT_HELP_UI.equals(WorkbenchHelpSystem.getInstance().getDesiredHelpSystemId()));
        var reference = Workbench.page().findViewReference(HELP_VIEW);
        if (reference != null) {
            Workbench.page().hideView(reference);
        }
        Workbench.spin(200);
        assertTrue(Workbench.page().findView(HELP_VIEW) == null, "the Help view is closed before Help Contents");
    }

    /** The Help view is open on its Contents page, which lists the Shadowbench book; saves a screenshot. */
    private static void assertContentsPageWithTheBook(String screenshot) {
        Workbench.await("the Help view opened by Help Contents", WAIT, () -> Workbench.page().findView(HELP_VIEW) instanceof HelpView);
        Workbench.await("the Help view's Contents page", WAIT, () -> ReusableHelpPart.getLastActiveInstance() != null
                && IHelpUIConstants.HV_ALL_TOPICS_PAGE.equals(ReusableHelpPart.getLastActiveInstance().getCurrentPageId()));
        ReusableHelpPart help = ReusableHelpPart.getLastActiveInstance();
        TreeItem[] book = new TreeItem[1];
        Workbench.await("the Shadowbench book in the contents", WAIT, () -> {
            book[0] = findBook(help.getControl(), "Shadowbench");
            return book[0] != null;
        });
        assertEquals(HELP_VIEW, Workbench.page().getActivePart().getSite().getId(), "the Help view is the active part");
        Workbench.spin(500);
        Workbench.screenshotWindow(screenshot);
    }

    /** The item of a menu with this label (mnemonics and accelerators aside), after the menu was shown. */
    private static MenuItem menuItem(Menu menu, String label) {
        assertNotNull(menu, "a menu to look for '" + label + "' in");
        // Menus are filled when they are about to show, as when a person opens them.
        menu.notifyListeners(org.eclipse.swt.SWT.Show, new Event());
        Workbench.spin(200);
        List<String> labels = new ArrayList<>();
        for (MenuItem item : menu.getItems()) {
            String text = item.getText().replace("&", "");
            int tab = text.indexOf('\t');
            text = tab >= 0 ? text.substring(0, tab) : text;
            labels.add(text);
            if (label.equals(text)) {
                return item;
            }
        }
        throw new AssertionError("no '" + label + "' in the menu: " + labels);
    }

    private static TreeItem findBook(Control control, String label) {
        if (control instanceof Tree tree && tree.isVisible()) {
            for (TreeItem item : tree.getItems()) {
                if (label.equals(item.getText())) {
                    return item;
                }
            }
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                TreeItem found = findBook(child, label);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The titles and labels a person sees in the view (sections' titles, labels). */
    private static void collectTexts(Control control, List<String> texts) {
        if (control instanceof ExpandableComposite section && section.getText() != null) {
            texts.add(section.getText().trim());
        }
        if (control instanceof Label label && label.getText() != null) {
            texts.add(label.getText().trim());
        }
        if (control instanceof org.eclipse.ui.forms.widgets.Form form && form.getText() != null) {
            texts.add(form.getText().trim());
        }
        if (control instanceof org.eclipse.ui.forms.widgets.ScrolledForm form && form.getText() != null) {
            texts.add(form.getText().trim());
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                collectTexts(child, texts);
            }
        }
    }
}
