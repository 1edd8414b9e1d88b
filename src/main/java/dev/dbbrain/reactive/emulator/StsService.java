package dev.dbbrain.reactive.emulator;

import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * STS {@code AssumeRole}: issues a temporary key pair and token for the role, valid for {@code DurationSeconds} on
 * the emulator's clock, which the emulator then accepts for every action (with {@code X-TC-Token}) until it
 * expires. Any well-formed role ARN can be assumed by any authenticated caller: the emulator has no CAM policies.
 * Keys come from {@link ThreadLocalRandom}, not {@code SecureRandom}, which may block an event loop: they guard
 * nothing but a test.
 */
final class StsService {

    private static final HexFormat HEX = HexFormat.of();

    private final CredentialStore credentials;
    private final AtomicLong issued = new AtomicLong();

    StsService(CredentialStore credentials) {
        this.credentials = credentials;
    }

    /** {@code {"Credentials":{"Token","TmpSecretId","TmpSecretKey"},"ExpiredTime","Expiration"}}. */
    Envelopes.Fields assumeRole(AssumeRoleParams params, long now) {
        long expiredTime = Math.floorDiv(now, 1000) + params.durationSeconds();
        Credential credential = new Credential("AKIDtmp" + issued.incrementAndGet() + "x" + random(8),
                random(20), random(32));
        credentials.issue(credential, expiredTime * 1000, now);
        return json -> {
            json.writeObjectPropertyStart("Credentials");
            json.writeStringProperty("Token", credential.token());
            json.writeStringProperty("TmpSecretId", credential.secretId());
            json.writeStringProperty("TmpSecretKey", credential.secretKey());
            json.writeEndObject();
            json.writeNumberProperty("ExpiredTime", expiredTime);
            json.writeStringProperty("Expiration", Instant.ofEpochSecond(expiredTime).toString());
        };
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HEX.formatHex(b);
    }
}
