/** Runnable programs showing the SDK's whole lifecycle. */
package run.getbot.isolation.examples;
