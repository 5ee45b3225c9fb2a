package dev.acmefilter.alert;

import dev.acmefilter.alert.AlertRule.Condition;
import dev.acmefilter.status.Health;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AlertRuleTest {

    private static Health health(boolean failing, boolean expiring) {
        return new Health("default", failing, expiring, failing || expiring ? List.of("trouble") : List.of());
    }

    private static final Set<Condition> NONE = EnumSet.noneOf(Condition.class);

    @Test
    void eachConditionIsAnnouncedWhenItStartsAndNeverAgainWhileItLasts() {
        AlertRule.Step first = AlertRule.next(NONE, health(true, false));
        assertThat(first.events()).containsExactly(AlertEvent.FAILING);
        assertThat(first.alerted()).containsExactly(Condition.FAILING);

        AlertRule.Step again = AlertRule.next(first.alerted(), health(true, false));
        assertThat(again.events()).isEmpty();
        assertThat(again.changed(first.alerted())).isFalse();

        AlertRule.Step both = AlertRule.next(again.alerted(), health(true, true));
        assertThat(both.events()).containsExactly(AlertEvent.EXPIRING);
        assertThat(both.alerted()).containsExactly(Condition.FAILING, Condition.EXPIRING);
    }

    @Test
    void recoveryIsAnnouncedOnceWhenNothingIsLeft() {
        AlertRule.Step recovered = AlertRule.next(EnumSet.of(Condition.FAILING, Condition.EXPIRING),
                health(false, false));
        assertThat(recovered.events()).containsExactly(AlertEvent.RECOVERED);
        assertThat(recovered.alerted()).isEmpty();

        assertThat(AlertRule.next(recovered.alerted(), health(false, false)).events()).isEmpty();
    }

    @Test
    void halfARecoveryIsNoRecovery() {
        AlertRule.Step step = AlertRule.next(EnumSet.of(Condition.FAILING, Condition.EXPIRING), health(false, true));

        assertThat(step.events()).isEmpty();
        assertThat(step.alerted()).containsExactly(Condition.EXPIRING);
        assertThat(AlertRule.next(step.alerted(), health(true, true)).events()).as("failing again")
                .containsExactly(AlertEvent.FAILING);
    }

    @Test
    void bothConditionsAtOnceAreTwoAlertsInAFixedOrder() {
        assertThat(AlertRule.next(NONE, health(true, true)).events())
                .containsExactly(AlertEvent.FAILING, AlertEvent.EXPIRING);
    }

    @Test
    void thePersistedFormReadsBackAndIgnoresUnknownWords() {
        assertThat(AlertRule.format(EnumSet.of(Condition.FAILING, Condition.EXPIRING))).isEqualTo("failing,expiring");
        assertThat(AlertRule.format(NONE)).isNull();
        assertThat(AlertRule.parse("expiring, failing,paging")).containsExactly(Condition.FAILING, Condition.EXPIRING);
        assertThat(AlertRule.parse(null)).isEmpty();
    }
}
