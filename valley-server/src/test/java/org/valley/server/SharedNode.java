package org.valley.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real node for all the tests of a class, in a data directory of its own: started before the
 * first test, closed and deleted after the last. Register it with {@code @RegisterExtension static
 * final SharedNode shared = new SharedNode(n -> node = n);}.
 */
final class SharedNode implements BeforeAllCallback, AfterAllCallback {

    private final Consumer<TestNode> started;
    private TestNode node;
    private Path dir;

    SharedNode(Consumer<TestNode> started) {
        this.started = started;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("valley-" + context.getRequiredTestClass().getSimpleName());
        node = TestNode.start(dir);
        started.accept(node);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        node.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The node's data directory, also a place for files of the tests. */
    Path dir() {
        return dir;
    }
}
