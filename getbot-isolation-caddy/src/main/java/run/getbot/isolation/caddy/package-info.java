/**
 * The Caddy implementation of the ingress: {@link run.getbot.isolation.caddy.CaddyIngress} drives Caddy's admin API
 * (TCP on loopback or a unix socket), with {@link run.getbot.isolation.caddy.TlsMode} choosing how HTTPS is
 * terminated. Everything in {@code run.getbot.isolation.caddy.internal} is implementation, not API.
 */
package run.getbot.isolation.caddy;
