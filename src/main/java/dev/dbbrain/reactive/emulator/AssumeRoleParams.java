package dev.dbbrain.reactive.emulator;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of STS {@code AssumeRole}, checked as the service documents it: a role ARN of the form
 * {@code qcs::cam::uin/<uin>:role/<id>} or {@code …:roleName/<name>}, a session name of 2 to 128 characters of
 * {@code [\w+=,.@-]}, and {@code DurationSeconds} from 1 to 43200 (default 7200).
 *
 * @param roleArn the {@code RoleArn}
 * @param roleSessionName the {@code RoleSessionName}
 * @param durationSeconds the {@code DurationSeconds}, or its default
 */
record AssumeRoleParams(String roleArn, String roleSessionName, long durationSeconds) {

    static final long DEFAULT_DURATION_SECONDS = 7200;
    static final long MAX_DURATION_SECONDS = 43_200;

    private static final Set<String> FIELDS = Set.of("RoleArn", "RoleSessionName", "DurationSeconds", "Policy",
            "ExternalId", "Tags", "SourceIdentity", "SerialNumber", "TokenCode");
    private static final Pattern ROLE_ARN = Pattern.compile("qcs::cam::uin/\\d+:(role|roleName)/[\\w+=,.@/-]{1,128}");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,128}");

    static AssumeRoleParams from(CallParameters body) {
        body.allowOnly(FIELDS);
        String roleArn = body.requiredString("RoleArn");
        String sessionName = body.requiredString("RoleSessionName");
        Long duration = body.optionalLong("DurationSeconds");
        if (!ROLE_ARN.matcher(roleArn).matches()) {
            throw ApiFailure.invalidParameterValue("The parameter `RoleArn` " + ApiFailure.quote(roleArn)
                    + " is not a role resource description such as `qcs::cam::uin/12345678:roleName/name`.");
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw ApiFailure.invalidParameterValue("The parameter `RoleSessionName` must be 2 to 128 letters, digits"
                    + " or `=,.@-_+`.");
        }
        long seconds = duration == null ? DEFAULT_DURATION_SECONDS : duration;
        if (seconds < 1 || seconds > MAX_DURATION_SECONDS) {
            throw ApiFailure.invalidParameterValue("The parameter `DurationSeconds` must be between 1 and "
                    + MAX_DURATION_SECONDS + ", got " + seconds + ".");
        }
        return new AssumeRoleParams(roleArn, sessionName, seconds);
    }
}
