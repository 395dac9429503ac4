package run.getbot.isolation.testkit;

import run.getbot.isolation.Ingress;

/** The in-memory ingress passes the ingress contract. */
class InMemoryIngressContractTest extends IngressContract {

  @Override
  protected Ingress createIngress() {
    return InMemoryIngress.create();
  }
}
