package run.getbot.isolation.incus;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs a real Incus daemon: skipped when none answers on the socket, failed instead when
 * {@code GETBOT_REQUIRE_REAL=1}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("real-incus")
@ExtendWith(RealIncus.Condition.class)
public @interface RealIncusTest {}
