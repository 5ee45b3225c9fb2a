package dev.acmefilter.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassFixtureTest {

    /** A fixture that records when it is started and closed. */
    private static final class Server implements AutoCloseable {
        final List<String> events;

        Server(List<String> events) {
            this.events = events;
            events.add("start");
        }

        @Override
        public void close() {
            events.add("close");
        }
    }

    private static final class Nested {
    }

    /** JUnit's context of {@code testClass}, as far as the fixture asks. */
    private static ExtensionContext contextOf(Class<?> testClass) {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getRequiredTestClass")) {
                        return testClass;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theFixtureStartsBeforeTheClassAndClosesAfterItOnlyOnce() throws Exception {
        List<String> events = new ArrayList<>();
        ClassFixture<Server> fixture = ClassFixture.of(() -> new Server(events));
        assertThatThrownBy(fixture::get).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("static field");

        fixture.beforeAll(contextOf(ClassFixtureTest.class));
        Server started = fixture.get();
        fixture.beforeAll(contextOf(Nested.class));
        fixture.afterAll(contextOf(Nested.class));

        assertThat(fixture.get()).as("a nested class shares the one of its enclosing class").isSameAs(started);
        assertThat(events).containsExactly("start");

        fixture.afterAll(contextOf(ClassFixtureTest.class));
        assertThat(events).containsExactly("start", "close");
        assertThatThrownBy(fixture::get).isInstanceOf(IllegalStateException.class);

        fixture.beforeAll(contextOf(Nested.class));
        assertThat(fixture.get()).as("the next class gets a fixture of its own").isNotSameAs(started);
        assertThat(events).containsExactly("start", "close", "start");
    }

    @Test
    void aFixtureThatFailsToCloseIsForgottenAnyway() throws Exception {
        ClassFixture<AutoCloseable> fixture = ClassFixture.of(() -> () -> {
            throw new IllegalStateException("cannot stop");
        });
        fixture.beforeAll(contextOf(ClassFixtureTest.class));

        assertThatThrownBy(() -> fixture.afterAll(contextOf(ClassFixtureTest.class))).hasMessage("cannot stop");
        assertThatThrownBy(fixture::get).isInstanceOf(IllegalStateException.class);
    }
}
