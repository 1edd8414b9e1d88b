package dev.dbbrain.reactive.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;

/**
 * Decides the envelope of one API request, running the service's checks in order, first failure wins:
 * path and size; common parameters and authorization (TC3 or v1, see {@link RequestAuthenticator}); rate limit;
 * the action's fields; then the action itself. In two halves, so that a script can answer in between:
 * {@link #authenticate} (up to and including authorization) and {@link #serve} (the rest).
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

    /**
     * The outcome of the checks up to and including authorization: the call, or the failure to answer.
     *
     * @param call the authenticated call, or null when a check failed
     * @param failure the failure to answer, or null
     * @param signatureVerified whether the signature (and token) checked out, whatever came after
     */
    record Verdict(AuthenticatedCall call, ApiFailure failure, boolean signatureVerified) {
    }

    /** Answers a GET or POST to {@code target}; other methods were refused before, with an HTTP status. */
    Reply.Envelope process(String method, String target, HttpHeaders headers, RequestBody body) {
        Verdict verdict = authenticate(method, target, headers, body);
        return verdict.failure() != null ? Envelopes.error(verdict.failure()) : serve(verdict.call());
    }

    /** Runs the checks up to and including authorization. */
    Verdict authenticate(String method, String target, HttpHeaders headers, RequestBody body) {
        boolean verified = false;
        try {
            String path = RequestTarget.path(target);
            if (!"/".equals(path)) {
                throw ApiFailure.invalidParameter("The request path " + ApiFailure.quote(path)
                        + " is invalid; the path must be /.");
            }
            if (body.oversize()) {
                throw new ApiFailure("RequestSizeLimitExceeded",
                        "The request body is larger than the limit of " + MAX_BODY_BYTES + " bytes (1 MB).");
            }
            AuthenticatedCall call = authenticator.authenticate(method, target, headers, body.bytes(),
                    clock.millis());
            verified = true;
            RequestAuthenticator.checkContentType(method, headers);
            return new Verdict(call, null, true);
        } catch (ApiFailure failure) {
            return new Verdict(null, failure, verified);
        } catch (RuntimeException bug) {
            return new Verdict(null, emulatorBug(bug), verified);
        }
    }

    /** Answers an authenticated call: rate limit, the action's fields, the action. */
    Reply.Envelope serve(AuthenticatedCall call) {
        try {
            return Envelopes.success(answer(call));
        } catch (ApiFailure failure) {
            return Envelopes.error(failure);
        } catch (RuntimeException bug) {
            return Envelopes.error(emulatorBug(bug));
        }
    }

    /** An emulator bug is answered the way the service answers its own; no logging on an event loop. */
    private static ApiFailure emulatorBug(RuntimeException bug) {
        return new ApiFailure("InternalError",
                "An internal error occurred in the emulator (" + bug.getClass().getSimpleName() + ").");
    }

    private Envelopes.Fields answer(AuthenticatedCall call) {
        long now = clock.millis();
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
