package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;

/**
 * Decides the envelope of one API request, running the service's checks in order, first failure wins:
 * path and size; common parameters and authorization (TC3 or v1, see {@link RequestAuthenticator}); rate limit;
 * the action's fields; then the action itself.
 * No I/O here: everything it needs has been received.
 */
final class ApiProcessor {

    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final Clock clock;
    private final RequestAuthenticator authenticator;
    private final ActionRateLimit rateLimiter;
    private final KillTaskService service;
    private final StsService sts;

    ApiProcessor(Clock clock, RequestAuthenticator authenticator, ActionRateLimit rateLimiter,
            KillTaskService service, StsService sts) {
        this.clock = clock;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.service = service;
        this.sts = sts;
    }

    /** Answers a GET or POST to {@code target}; other methods were refused before, with an HTTP status. */
    Reply.Envelope process(String method, String target, HttpHeaders headers, RequestBody body) {
        try {
            return Envelopes.success(answer(method, target, headers, body));
        } catch (ApiFailure failure) {
            return Envelopes.error(failure);
        } catch (RuntimeException bug) {
            // An emulator bug is answered the way the service answers its own; no logging on an event loop.
            return Envelopes.error(new ApiFailure("InternalError",
                    "An internal error occurred in the emulator (" + bug.getClass().getSimpleName() + ")."));
        }
    }

    private Envelopes.Fields answer(String method, String target, HttpHeaders headers, RequestBody body) {
        String path = RequestTarget.path(target);
        if (!"/".equals(path)) {
            throw ApiFailure.invalidParameter("The request path " + ApiFailure.quote(path)
                    + " is invalid; the path must be /.");
        }
        if (body.oversize()) {
            throw new ApiFailure("RequestSizeLimitExceeded",
                    "The request body is larger than the limit of " + MAX_BODY_BYTES + " bytes (1 MB).");
        }
        long now = clock.millis();
        AuthenticatedCall call = authenticator.authenticate(method, target, headers, body.bytes(), now);
        if (!rateLimiter.tryAdmit(call.secretId(), call.action(), now)) {
            throw ApiFailure.requestLimitExceeded(call.action().apiName(), rateLimiter.limit());
        }
        CallParameters parameters = call.parameters().get();
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
