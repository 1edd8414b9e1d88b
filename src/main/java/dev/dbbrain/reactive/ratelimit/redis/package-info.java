/**
 * What a fleet of JVMs shares through Redis: a rate limiter whose budget lives there,
 * {@link dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter#builder(String)}, and the polls and latest states of
 * the tasks its replicas watch, {@link dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing#builder(String)}.
 * Everything here names Lettuce ({@code io.lettuce:lettuce-core}, an optional dependency); the rest of the library
 * loads without it.
 *
 * <p>Shared watches are four Lua scripts over a state key and a slot key per task ({@code RedisWatchStore}), on
 * Redis's clock, and one pub/sub channel per account; their keys follow the layout below ({@code SharedFormat}'s
 * {@code WATCH_STATE}, {@code WATCH_SLOT} and {@code WATCH_PUBLISHED}, version 1, new: no previous layout to honour).
 *
 * <p>Each acquire is one {@code EVALSHA} of a reservation script over one small hash per (SecretId hash, action),
 * on Redis's clock ({@code RedisBucketStore}); this JVM's waiters queue first come, first served in front of the
 * slots it reserved ({@code RedisBucket}), and a waiter that cancels hands its slot back.
 *
 * <h2>Key layout, and how it changes</h2>
 *
 * <p>A bucket is the hash {@code <prefix>:v1:{<account>}:<action>} (default prefix {@code dbbrain:rate};
 * {@code <account>}: 128 bits of the SecretId's SHA-256, in hex, or {@code -}), with the fields {@code t} (when the
 * next permit is due, microseconds of Redis's clock) and {@code f} (slots handed back, ascending). {@code v1} is the
 * version of that layout; {@code {<account>}} is a Redis Cluster hash tag, so all of an account's keys, of every
 * version, live in one slot and one script may touch several.
 *
 * <p>Every JVM of a fleet reads and writes these keys, and during a rolling deploy JVMs of two builds do so at once.
 * The rule: <b>a layout change is a new version, never a reinterpretation</b>. A new field, a field whose meaning,
 * unit or encoding changes, or a script that reads the same fields differently is the next version, under a key name
 * the older build never reads: an older replica that read a new layout under its old name would take it for a corrupt
 * bucket and restart the schedule from now, which is a burst over the service's limit. Builds before versioned keys
 * used the unversioned layout {@code <prefix>:{<account>}:<action>} (the same fields), which counts as version 0.
 *
 * <p>The move to a new version is safe in a rolling deploy because the new build honours the previous version's key:
 * <ol>
 *   <li>Deploy the new build with {@link dev.dbbrain.reactive.ratelimit.redis.RedisRateLimiter.Builder#previousLayout(boolean)
 *       previousLayout} on (the default; Spring Boot: {@code dbbrain.rate-limit.redis.previous-layout}). Each of its
 *       script calls reads both keys, takes the later schedule and the returned slots of both, and writes the result
 *       back to both in their own layouts, atomically (one script, one slot). The older build, which reads and
 *       writes only the previous key, then sees every reservation of the new one and the other way round: the fleet
 *       keeps one schedule, and its combined rate stays within the limit. Rolling back is safe too.</li>
 *   <li>Once no replica of the older build runs, nor may come back by a rollback, turn {@code previousLayout} off
 *       (a configuration change, rolled out like any other: replicas with it on and off may share a Redis). The
 *       previous keys expire on their own within seconds.</li>
 * </ol>
 * Turning it off while an older replica still runs splits the schedule: each build then spends the whole budget, up
 * to twice the rate together.
 *
 * <p>The next version follows the same steps: its constant in {@code SharedFormat} gets the next number and names
 * this one as its previous version; its script, while the previous layout is honoured, reads the previous key in the
 * previous meaning and writes it back in that meaning in the same call (a schedule merged so that it is never earlier
 * than either key's, a returned slot kept in one key only); the builder's and the property's switch keep their
 * names and now mean the new previous version; the previous build's script stays verbatim in the tests, which run it
 * beside the new one on one Redis. A build that honours only version N cannot share a Redis safely with builds older
 * than version N: the changelog of the release that stops honouring a version says which release to pass through.
 */
package dev.dbbrain.reactive.ratelimit.redis;
