/** Implementation of the Caddy ingress; not part of the API and subject to change without notice. */
package run.getbot.isolation.caddy.internal;
