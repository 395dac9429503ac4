package run.getbot.isolation.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.PoolSpec;

/**
 * The JUnit 5 extension behind {@link FakeIsolation}: creates the fakes, injects them into fields and parameters, and
 * closes them when their scope (the class for static fields, the test for the rest) ends.
 */
public final class FakeIsolationExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeIsolationExtension.class);

  /** Creates the extension; JUnit does this. */
  public FakeIsolationExtension() {}

  /** One scope's fakes, closed by JUnit when the scope ends. */
  @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable after
  private record Fakes(InMemoryIsolationProvider provider, InMemoryIngress ingress)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    static Fakes create(boolean ensureDefaults) {
      InMemoryIsolationProvider provider = InMemoryIsolationProvider.create();
      if (ensureDefaults) {
        provider.ensureBridge(BridgeSpec.DEFAULT);
        provider.ensurePool(PoolSpec.DEFAULT);
      }
      return new Fakes(provider, InMemoryIngress.create());
    }

    Optional<Object> forType(Class<?> type) {
      if (type == InMemoryIsolationProvider.class || type == IsolationProvider.class) {
        return Optional.of(provider);
      }
      if (type == InMemoryIngress.class || type == Ingress.class) {
        return Optional.of(ingress);
      }
      return Optional.empty();
    }

    @Override
    public void close() {
      provider.close();
      ingress.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    injectFields(context.getRequiredTestClass(), null, context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      injectFields(instance.getClass(), instance, context);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return isFakeType(parameterContext.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return fakes(extensionContext).forType(parameterContext.getParameter().getType()).orElseThrow();
  }

  /** Sets the static ({@code instance == null}) or instance fields of fake types in {@code type} and its supertypes. */
  private static void injectFields(Class<?> type, Object instance, ExtensionContext context) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!isFakeType(field.getType()) || Modifier.isStatic(field.getModifiers()) != (instance == null)) {
          continue;
        }
        if (Modifier.isFinal(field.getModifiers())) {
          throw new ExtensionConfigurationException("@FakeIsolation cannot set the final field " + field);
        }
        try {
          field.setAccessible(true);
          field.set(instance, fakes(context).forType(field.getType()).orElseThrow());
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new ExtensionConfigurationException("@FakeIsolation cannot set the field " + field, e);
        }
      }
    }
  }

  private static boolean isFakeType(Class<?> type) {
    return type == InMemoryIsolationProvider.class || type == IsolationProvider.class
        || type == InMemoryIngress.class || type == Ingress.class;
  }

  /**
   * The fakes of the context's scope: per test when there is a test method, else per class. The key is the context's
   * id, as a store also answers with its parents' values: a test must not see the class's fakes.
   */
  private static Fakes fakes(ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(context.getUniqueId(),
        key -> Fakes.create(ensureDefaults(context)), Fakes.class);
  }

  private static boolean ensureDefaults(ExtensionContext context) {
    for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
      FakeIsolation annotation = c.getAnnotation(FakeIsolation.class);
      if (annotation != null) {
        return annotation.ensureDefaults();
      }
    }
    return true;
  }
}
