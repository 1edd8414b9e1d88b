package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;

/**
 * Decides the envelope of one API request, running the service's checks in order, first failure wins:
 * method, path and size; common headers; authorization; rate limit; body; then the action itself.
 * No I/O here: everything it needs has been received.
 */
final class ApiProcessor {

    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final Clock clock;
    private final SignatureVerifier verifier;
    private final ActionRateLimit rateLimiter;
    private final KillTaskService service;
    private final StsService sts;

    ApiProcessor(Clock clock, SignatureVerifier verifier, ActionRateLimit rateLimiter, KillTaskService service,
            StsService sts) {
        this.clock = clock;
        this.verifier = verifier;
        this.rateLimiter = rateLimiter;
        this.service = service;
        this.sts = sts;
    }

    Reply.Envelope process(String method, String path, HttpHeaders headers, RequestBody body) {
        try {
            return Envelopes.success(answer(method, path, headers, body));
        } catch (ApiFailure failure) {
            return Envelopes.error(failure);
        } catch (RuntimeException bug) {
            // An emulator bug is answered the way the service answers its own; no logging on an event loop.
            return Envelopes.error(new ApiFailure("InternalError",
                    "An internal error occurred in the emulator (" + bug.getClass().getSimpleName() + ")."));
        }
    }

    private Envelopes.Fields answer(String method, String path, HttpHeaders headers, RequestBody body) {
        if (!"POST".equals(method)) {
            throw new ApiFailure("UnsupportedProtocol", "The HTTP method " + ApiFailure.quote(method)
                    + " is not supported; the API only accepts POST.");
        }
        if (!"/".equals(path)) {
            throw ApiFailure.invalidParameter("The request path " + ApiFailure.quote(path)
                    + " is invalid; the path must be /.");
        }
        if (body.oversize()) {
            throw new ApiFailure("RequestSizeLimitExceeded",
                    "The request body is larger than the limit of " + MAX_BODY_BYTES + " bytes (1 MB).");
        }
        ApiCall call = ApiCall.from(headers);
        long now = clock.millis();
        String secretId = verifier.verify(call.action(), headers, body.bytes(), call.timestamp(), now);
        if (!rateLimiter.tryAdmit(secretId, call.action(), now)) {
            throw ApiFailure.requestLimitExceeded(call.action().apiName(), rateLimiter.limit());
        }
        BodyParameters parameters = BodyParameters.parse(body.bytes());
        switch (call.action()) {
            case CREATE:
                return service.create(CreateTaskParams.from(parameters), now);
            case DESCRIBE:
                return service.describe(DescribeTasksParams.from(parameters), now);
            case ASSUME_ROLE:
                return sts.assumeRole(AssumeRoleParams.from(parameters), now);
            default:
                throw new IllegalStateException("unhandled action " + call.action());
        }
    }
}
