package dev.dbbrain.reactive.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when BlockHound reported a blocking call while it ran ({@link BlockingCalls}), whether or not the
 * error reached a test: a dropped one is as much a blocking call on a Reactor or Netty thread as a thrown one.
 * Registered for every test class through JUnit's extension auto-detection.
 */
public final class NoBlockingCallsExtension implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NoBlockingCallsExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("mark", BlockingCalls.mark());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer mark = context.getStore(NAMESPACE).get("mark", Integer.class);
        List<String> calls = BlockingCalls.since(mark == null ? 0 : mark);
        if (!calls.isEmpty()) {
            // Reported once, by the class that ran them, not again by every enclosing class.
            BlockingCalls.forgetSince(mark == null ? 0 : mark);
            throw new AssertionError(calls.size() + " blocking call(s) reported by BlockHound while "
                    + context.getDisplayName() + " ran (thrown where they happened, possibly dropped there):\n"
                    + String.join("\n", calls));
        }
    }
}
