package dev.dbbrain.reactive;

import dev.dbbrain.reactive.auth.Credentials;
import dev.dbbrain.reactive.ratelimit.RateLimiter;
import dev.dbbrain.reactive.ratelimit.redis.RedisWatchSharing;
import java.time.Duration;

/**
 * A replica in a JVM of its own, for {@code FleetWatchIT} to kill with SIGKILL while it holds a task's poll slot:
 * watches one task with sharing on, prints {@code watching}, and runs until killed. Arguments: {@code endpoint
 * redisUri secretId secretKey instanceId taskId leaseMillis intervalMillis}. Blocks its main thread, which is no
 * event loop.
 */
final class FleetWatchMember {

    private FleetWatchMember() {
    }

    public static void main(String[] args) throws InterruptedException {
        DbbrainClient client = DbbrainClient.builder().endpoint(args[0])
                .credentials(Credentials.of(args[2], args[3])).rateLimiter(RateLimiter.unlimited())
                .responseTimeout(Duration.ofSeconds(20))
                .watchSharing(RedisWatchSharing.builder(args[1]).lease(Duration.ofMillis(Long.parseLong(args[6])))
                        .build())
                .build();
        client.watch(args[4], Long.parseLong(args[5]), WatchOptions.defaults()
                .pollInterval(Duration.ofMillis(Long.parseLong(args[7])))).subscribe();
        System.out.println("watching");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
