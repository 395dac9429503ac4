/**
 * The isolation API on a real Incus daemon: {@link run.getbot.isolation.incus.IncusIsolationProvider} talks to incusd
 * over its unix socket (HTTP/1.1 via junixsocket and OkHttp) and implements
 * {@link run.getbot.isolation.IsolationProvider}; {@link run.getbot.isolation.incus.ImageImport} is the result of
 * importing a local image tarball. Everything in {@code run.getbot.isolation.incus.internal} is an implementation
 * detail and may change without notice.
 */
package run.getbot.isolation.incus;
