package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;


import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.junit.jupiter.api.Test;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.internal.UiActivator;
import org.shadowbench.ui.testing.Workbench;

/**
 * The xv6 preset's kernel boots to its shell on the console, and a command typed there runs and shows
 * once (xv6 echoes what it reads; the console hides that echo). Skipped
 * where the kernel is not on the machine (the POM points {@code shadowbench.xv6} at shared/ beside
 * the checkout).
 */
class Xv6ConsoleTest {
    @Test
    void xv6AnswersACommandTypedOnTheConsole() throws Exception {
        assumeTrue(TestGuest.XV6_USERTESTS.available(), "no xv6 kernel on this machine");
        MachineSession session = UiActivator.sessions().launch(TestGuest.XV6_USERTESTS.spec());
        try {
            session.resume();
            IDocument document = TestGuest.com1(session).getDocument();
            Workbench.await("xv6's shell prompt", 60_000, () -> document.get().contains("$ "));
            int before = document.getLength();
            type(document, "ls\n");
            Workbench.await("the listing of / and the next prompt", 30_000,
                    () -> document.get().substring(before).matches("(?s).*README.*\\$ $"));
            // The console shows the typed line itself; the guest's echo of it is hidden (not a second "ls").
            String after = document.get().substring(before);
            assertTrue(after.startsWith("ls\n"), "the typed command, then the listing: " + after);
            assertEquals(1, after.split("(?m)^ls\n", -1).length - 1, "the typed command shows once: " + after);
        } finally {
            session.terminate().get();
        }
    }

    /** Types at the end of the console, as the keyboard does (the console sends the line on its newline). */
    private static void type(IDocument document, String text) throws BadLocationException {
        for (char c : text.toCharArray()) {
            document.replace(document.getLength(), 0, String.valueOf(c));
            Workbench.spin(5);
        }
    }
}
