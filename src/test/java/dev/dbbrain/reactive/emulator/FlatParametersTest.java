package dev.dbbrain.reactive.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Decoding form bodies and query strings, and reading the API's flattened fields out of them. */
class FlatParametersTest {

    private static FlatParameters flat(String encoded) {
        return new FlatParameters(FormParameters.parse(encoded).all());
    }

    private static String code(Runnable action) {
        try {
            action.run();
        } catch (ApiFailure failure) {
            return failure.code() + ": " + failure.getMessage();
        }
        return "no failure";
    }

    @Test
    void percentEscapesAreUtf8AndPlusIsASpace() {
        FormParameters form = FormParameters.parse("Name=%E6%9C%AA%E5%91%BD%E5%90%8D&Text=a+b%2Bc&Empty=&Bare");
        assertThat(form.get("Name")).isEqualTo("未命名");
        assertThat(form.get("Text")).isEqualTo("a b+c");
        assertThat(form.get("Empty")).isEmpty();
        assertThat(form.get("Bare")).isEmpty();
        assertThat(form.all().keySet()).containsExactly("Name", "Text", "Empty", "Bare");
    }

    @Test
    void aBodyOfRawUtf8BytesDecodesAsTheSameText() {
        assertThat(FormParameters.parse("Name=未命名".getBytes(StandardCharsets.UTF_8)).get("Name")).isEqualTo("未命名");
    }

    @Test
    void emptySegmentsAreSkipped() {
        assertThat(FormParameters.parse("&a=1&&b=2&").all()).containsExactly(
                java.util.Map.entry("a", "1"), java.util.Map.entry("b", "2"));
        assertThat(FormParameters.parse("").all()).isEmpty();
    }

    @Test
    void malformedEncodingsAreInvalidParameter() {
        assertThat(code(() -> FormParameters.parse("a=%zz"))).startsWith("InvalidParameter");
        assertThat(code(() -> FormParameters.parse("a=%4"))).startsWith("InvalidParameter");
        assertThat(code(() -> FormParameters.parse("a=%ff%fe"))).startsWith("InvalidParameter").contains("UTF-8");
        assertThat(code(() -> FormParameters.parse("=1"))).startsWith("InvalidParameter");
        assertThat(code(() -> FormParameters.parse("a=1&a=2"))).startsWith("InvalidParameter").contains("`a`");
    }

    @Test
    void anArrayIsReadFromItsNumberedElements() {
        FlatParameters p = flat("InstanceId=crs-1&AsyncRequestIds.1=22&AsyncRequestIds.0=11&Product=redis");
        assertThat(p.requiredLongArray("AsyncRequestIds")).containsExactly(11L, 22L);
        assertThat(p.requiredString("InstanceId")).isEqualTo("crs-1");
    }

    @Test
    void anArrayWithAGapAMissingArrayOrABadElementIsRefusedWithTheServicesCodes() {
        assertThat(code(() -> flat("AsyncRequestIds.0=1&AsyncRequestIds.2=3").requiredLongArray("AsyncRequestIds")))
                .startsWith("InvalidParameter").contains("without gaps");
        assertThat(code(() -> flat("InstanceId=x").requiredLongArray("AsyncRequestIds")))
                .startsWith("MissingParameter");
        assertThat(code(() -> flat("AsyncRequestIds=1").requiredLongArray("AsyncRequestIds")))
                .startsWith("InvalidParameter").contains("Array of Integer");
        assertThat(code(() -> flat("AsyncRequestIds.0=one").requiredLongArray("AsyncRequestIds")))
                .startsWith("InvalidParameter").contains("Array of Integer");
        assertThat(code(() -> flat("AsyncRequestIds.00=1").requiredLongArray("AsyncRequestIds")))
                .startsWith("InvalidParameter");
        assertThat(code(() -> flat("AsyncRequestIds.0.X=1").requiredLongArray("AsyncRequestIds")))
                .startsWith("InvalidParameter");
    }

    @Test
    void aScalarSentAsAnArrayIsTheWrongTypeAndAnAbsentOneIsMissing() {
        assertThat(code(() -> flat("InstanceId.0=crs-1").requiredString("InstanceId")))
                .startsWith("InvalidParameter").contains("String");
        assertThat(code(() -> flat("Product=redis").requiredString("InstanceId"))).startsWith("MissingParameter");
        assertThat(flat("Product=redis").optionalString("InstanceProxyId")).isNull();
        assertThat(flat("DurationSeconds=7200").optionalLong("DurationSeconds")).isEqualTo(7200L);
        assertThat(code(() -> flat("DurationSeconds=2h").optionalLong("DurationSeconds")))
                .startsWith("InvalidParameter").contains("Integer");
    }

    @Test
    void onlyTheAllowedFieldsAndTheElementsOfThemMayBeSent() {
        flat("InstanceId=crs-1&AsyncRequestIds.0=1&Tags.0.Key=k").allowOnly(Set.of("InstanceId", "AsyncRequestIds",
                "Tags"));
        assertThat(code(() -> flat("InstanceId=crs-1&Limit=20").allowOnly(Set.of("InstanceId"))))
                .startsWith("UnknownParameter").contains("`Limit`");
    }

    @Test
    void theHostWithoutItsPortIsACandidateUnlessStrict() {
        assertThat(new HostMatch(false).candidates("127.0.0.1:41234")).containsExactly("127.0.0.1:41234", "127.0.0.1");
        assertThat(new HostMatch(false).candidates("[::1]:80")).containsExactly("[::1]:80", "[::1]");
        assertThat(new HostMatch(false).candidates("dbbrain.tencentcloudapi.com"))
                .containsExactly("dbbrain.tencentcloudapi.com");
        assertThat(new HostMatch(false).candidates("[::1]")).containsExactly("[::1]");
        assertThat(new HostMatch(false).candidates("host:")).containsExactly("host:");
        assertThat(new HostMatch(true).candidates("127.0.0.1:41234")).containsExactly("127.0.0.1:41234");
        assertThat(new HostMatch(false).candidates(null)).isEmpty();
    }
}
