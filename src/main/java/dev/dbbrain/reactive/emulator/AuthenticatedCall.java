package dev.dbbrain.reactive.emulator;

import java.util.function.Supplier;

/**
 * A request whose signature checked out: the action, the SecretId it was signed with, and its fields, read only
 * when asked (after the rate limit, as the service checks them).
 */
record AuthenticatedCall(Action action, String secretId, Supplier<CallParameters> parameters) {
}
