package dev.dbbrain.dashboard;

import dev.dbbrain.reactive.DbbrainApiException;
import dev.dbbrain.reactive.DbbrainException;
import dev.dbbrain.reactive.ErrorCategory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Maps failures of the API endpoints to RFC 9457 problem details: bad input is 400, an ID the service does not
 * know 404, throttling and too many open event streams 429, a request the client refused for its own limits (a
 * full rate-limiter queue) 503, and any other failure of the service or the way to it 502, with the service's error
 * code and RequestId.
 */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid request");
        return respond(problem);
    }

    @ExceptionHandler(StreamLimits.TooManyStreams.class)
    ResponseEntity<ProblemDetail> tooManyStreams(StreamLimits.TooManyStreams e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
        problem.setTitle("Too many event streams");
        problem.setProperty("code", "TooManyStreams");
        problem.setProperty("setting", e.setting());
        return respond(problem);
    }

    @ExceptionHandler(DbbrainException.class)
    ResponseEntity<ProblemDetail> dbbrain(DbbrainException e) {
        String code = TaskEvents.WatchFailure.code(e);
        HttpStatus status = status(e, code);
        String detail = e instanceof DbbrainApiException api ? api.errorMessage() : e.getMessage();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status == HttpStatus.BAD_GATEWAY ? "DBbrain call failed"
                : status == HttpStatus.SERVICE_UNAVAILABLE ? "Too many requests waiting" : "DBbrain refused the request");
        problem.setProperty("code", code);
        problem.setProperty("action", e.action());
        problem.setProperty("requestId", e.requestId());
        return respond(problem);
    }

    /** Always JSON: negotiated, a refused event stream would carry its problem as an event ({@code data:{...}}). */
    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static HttpStatus status(DbbrainException e, String code) {
        if (e.category() == ErrorCategory.THROTTLED) {
            return HttpStatus.TOO_MANY_REQUESTS;
        }
        if (e.category() == ErrorCategory.REJECTED) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        if (e.category() == ErrorCategory.INVALID_REQUEST) {
            return code.startsWith("ResourceNotFound") ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST;
        }
        return HttpStatus.BAD_GATEWAY;
    }
}
