package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.internal.SharedFormat;
import dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing;

/**
 * For the {@code FleetWatch} benchmark's fault run: the names of a fleet's shared-watch keys, and states written by
 * hand as someone holding the account's key would, signed with the library's own codec — the way {@code
 * FleetWatchIT} writes them. It lives in the library's package (a split package, fine on the class path) because
 * the codec is package-private: the benchmark must not copy the format it tests.
 */
public final class SharedStateForger {

    private final SharedStateCodec codec = new SharedStateCodec();
    private final String account;
    private final SharedStateCodec.Account signer;

    /**
     * A forger for one account.
     *
     * @param secretId the account's SecretId (only its hash is used, as the library does)
     * @param secretKey the key the replicas sign their states with
     */
    public SharedStateForger(String secretId, String secretKey) {
        this.account = SharedFormat.account(secretId);
        this.signer = SharedStateCodec.account(Credentials.of(secretId, secretKey), account);
    }

    /** The key of a task's latest state, under the default prefix. */
    public String stateKey(String instanceId, long taskId) {
        return SharedFormat.WATCH_STATE.key(RedisWatchSharing.DEFAULT_KEY_PREFIX, account,
                "state:" + instanceId + ":" + taskId);
    }

    /** A pattern for the poll slots of an instance's tasks, under the default prefix. */
    public String slotPattern(String instanceId) {
        return SharedFormat.WATCH_SLOT.key(RedisWatchSharing.DEFAULT_KEY_PREFIX, account,
                "slot:" + instanceId + ":*");
    }

    /**
     * A state signed with the account's key, polled and observed at {@code nowMicros} of Redis's clock: fresh, and
     * genuine as far as the MAC can tell.
     */
    public String signed(TaskInfo state, long nowMicros) {
        return codec.encode(signer, state.instanceId(), state.asyncRequestId(), nowMicros, nowMicros, state);
    }

    /**
     * The state a genuine value of the fleet holds, as a replica would read it, or {@code null} when it is not one
     * (or holds no state).
     */
    public TaskInfo read(String instanceId, long taskId, String value) {
        if (value == null || !(codec.decode(signer, instanceId, taskId, value)
                instanceof SharedStateCodec.Accepted accepted)
                || !(accepted.outcome() instanceof WatchPolicy.Reported reported)) {
            return null;
        }
        return reported.state();
    }
}
