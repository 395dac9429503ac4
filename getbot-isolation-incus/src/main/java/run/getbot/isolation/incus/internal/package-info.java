/**
 * Implementation of the Incus provider, one class per daemon resource as in the Incus Go client: the transport,
 * operations, instances, networks, storage pools, images, exec and files. Not part of the public API: it may change in
 * any release.
 */
package run.getbot.isolation.incus.internal;
