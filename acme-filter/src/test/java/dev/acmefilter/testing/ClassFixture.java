package dev.acmefilter.testing;

import java.util.Objects;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server the tests of one class share (PostgreSQL, BIND, the dns-01 set-up): started
 * before the class's first test, closed after its last one even when a test failed, as
 * {@link PebbleExtension} does for Pebble. Register it on a <em>static</em> field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClassFixture<PostgresServer> POSTGRES = ClassFixture.of(PostgresServer::start);
 *
 * @Test void connects() { ... POSTGRES.get().jdbcUrl("db") ... }
 * }</pre>
 *
 * On a field of an abstract base class, each test class that extends it gets a server of its
 * own. Nested classes share the one of their enclosing class.
 *
 * @param <T> the fixture: closing it stops exactly what starting it started
 */
public final class ClassFixture<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

    /** Starts the fixture; throws when it cannot be started. */
    @FunctionalInterface
    public interface Start<T> {
        T start() throws Exception;
    }

    private final Start<? extends T> start;
    private T fixture;
    private Class<?> owner;

    private ClassFixture(Start<? extends T> start) {
        this.start = Objects.requireNonNull(start, "start");
    }

    public static <T extends AutoCloseable> ClassFixture<T> of(Start<? extends T> start) {
        return new ClassFixture<>(start);
    }

    /** The running fixture; only between beforeAll and afterAll. */
    public T get() {
        if (fixture == null) {
            throw new IllegalStateException("not started: register the ClassFixture on a static field");
        }
        return fixture;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (fixture == null) {
            fixture = start.start();
            owner = context.getRequiredTestClass();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (fixture == null || context.getRequiredTestClass() != owner) {
            return;
        }
        try {
            fixture.close();
        } finally {
            fixture = null;
            owner = null;
        }
    }
}
