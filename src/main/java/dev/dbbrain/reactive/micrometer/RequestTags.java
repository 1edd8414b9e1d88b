package dev.dbbrain.reactive.micrometer;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainDecodingException;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.DbbrainHttpException;
import dev.dbbrain.reactive.DbbrainTransportException;
import java.util.Set;

/**
 * The request meter's tags, each from a bounded set: a tag value taken straight from the answer would let a broken
 * or hostile server create a new time series with every request.
 */
final class RequestTags {

    static final String ACTION = "action";
    static final String OUTCOME = "outcome";
    static final String ERROR_CODE = "error.code";
    static final String REQUEST_ID = "request.id";
    /** Low cardinality: {@code true} on a retry (an attempt after the first), else {@code false}. */
    static final String RESEND = "resend";
    /** High cardinality, as OpenTelemetry's HTTP client spans name it: the attempt's number, from 0. */
    static final String RESEND_COUNT = "http.request.resend_count";
    static final String CALL_ID = "call.id";
    static final String INSTANCE_ID = "instance.id";

    static final String SUCCESS = "SUCCESS";
    static final String CANCELLED = "CANCELLED";
    static final String UNKNOWN = "UNKNOWN";
    static final String NONE = "none";
    static final String OTHER = "OTHER";

    /** Codes kept as they are: those the API lists for the two actions and the common codes a client meets. */
    private static final Set<String> CODES = Set.of(
            "AuthFailure.SignatureExpire", "AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound",
            "AuthFailure.TokenFailure", "AuthFailure.InvalidAuthorization", "AuthFailure.InvalidSecretId",
            "AuthFailure.MFAFailure", "AuthFailure.UnauthorizedOperation", "OperationDenied.UserHasNoStrategy",
            "RequestLimitExceeded.UinLimitExceeded", "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
            "RequestLimitExceeded.IPLimitExceeded", "InternalError", "ServiceUnavailable");

    /** Families: a code {@code Family.Detail} not listed above is counted under its family. */
    private static final Set<String> FAMILIES = Set.of(
            "AuthFailure", "DryRunOperation", "FailedOperation", "InternalError", "InvalidParameter",
            "InvalidParameterValue", "LimitExceeded", "MissingParameter", "OperationDenied", "RequestLimitExceeded",
            "ResourceInUse", "ResourceInsufficient", "ResourceNotFound", "ResourceUnavailable", "ResourcesSoldOut",
            "UnauthorizedOperation", "UnknownParameter", "UnsupportedOperation", "InvalidAction", "NoSuchVersion",
            "RequestSizeLimitExceeded", "ServiceUnavailable", "InvalidRequest", "UnsupportedRegion",
            "UnsupportedProtocol");

    private RequestTags() {
    }

    /** The {@link #RESEND} value of an attempt's number: two values whatever the retry budget. */
    static String resend(int attemptNumber) {
        return attemptNumber == 0 ? "false" : "true";
    }

    /** {@code SUCCESS} is not here: this is the outcome of a failure, its error category. */
    static String outcome(Throwable error) {
        return error instanceof DbbrainException e ? e.category().name() : UNKNOWN;
    }

    static String errorCode(Throwable error) {
        if (error instanceof DbbrainApiException e) {
            return apiCode(e.code());
        }
        if (error instanceof DbbrainHttpException e) {
            int status = e.status();
            return status >= 100 && status <= 599 ? "HTTP_" + status : "HTTP_OTHER";
        }
        if (error instanceof DbbrainTransportException) {
            return "TRANSPORT";
        }
        if (error instanceof DbbrainDecodingException) {
            return "DECODING";
        }
        return UNKNOWN;
    }

    static String apiCode(String code) {
        if (code == null) {
            return OTHER;
        }
        if (CODES.contains(code)) {
            return code;
        }
        int dot = code.indexOf('.');
        String family = dot < 0 ? code : code.substring(0, dot);
        return FAMILIES.contains(family) ? family : OTHER;
    }

    static String requestId(Throwable error) {
        return error instanceof DbbrainException e ? e.requestId() : null;
    }
}
