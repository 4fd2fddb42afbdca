package dev.vidmeta.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.http.LocalRequestGuard.Refusal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The local services' gate: any key pair, but a Signature Version 4 shape, and nothing a web page can send.
 * Signed requests come from the SDK's own signer and presigner, so the shapes are the ones AWS's clients produce
 * (IAM user guide, "Authentication methods":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-authentication-methods.html).
 */
class LocalRequestGuardTest {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:4566");

    @Test
    void awsRequest_shouldBeServed_whenSignedBySdkSigV4_withAnyNonEmptyKeyPair() {
        // GIVEN requests the SDK's SigV4 signer signed with two unrelated key pairs, neither the printed one
        for (var keys : List.of(AwsCredentialsIdentity.create("AKIAANYTHING", "whatever"),
                AwsCredentialsIdentity.create("x", "y"))) {
            Map<String, String> headers = sign(keys, "states", "POST");

            // WHEN the guard checks them THEN they pass
            assertThat(LocalRequestGuard.checkAwsRequest("POST", null, lookup(headers), Presigning.NOT_ACCEPTED))
                    .as("signed with key id %s", keys.accessKeyId()).isNull();
        }
    }

    @Test
    void awsRequest_shouldBeMissingAuthenticationToken_whenUnsigned_evenAsAPlainGetOrAFormPost() {
        // GIVEN the publish a web page could send as an image or a link, and as a form, without any signature
        String publish = "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Message=x";
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");

        // WHEN checked THEN both are refused with the AWS common error (403)
        Refusal get = LocalRequestGuard.checkAwsRequest("GET", publish, lookup(Map.of()), Presigning.NOT_ACCEPTED);
        Refusal post = LocalRequestGuard.checkAwsRequest("POST", null, lookup(form), Presigning.NOT_ACCEPTED);
        assertThat(get).isEqualTo(Refusal.MISSING_AUTHENTICATION).isEqualTo(post);
        assertThat(get.code()).isEqualTo("MissingAuthenticationToken");
        assertThat(get.status()).isEqualTo(403);
        assertThat(get.s3Code()).isEqualTo("AccessDenied");
    }

    @Test
    void awsRequest_shouldBeIncompleteSignature_whenTheAuthorizationIsNotSigV4Shaped() {
        Map<String, String> signed = sign(AwsCredentialsIdentity.create("AKID", "secret"), "sns", "POST");
        String good = signed.get("Authorization");

        // GIVEN headers a browser or a hand-written client could send instead of a SigV4 signature
        List<String> malformed = List.of(
                "Basic dXNlcjpwYXNz",
                "AWS AKID:c2lnbmF0dXJl",
                good.replaceFirst("Credential=[^/]+/", "Credential=/"),
                good.replaceFirst("Signature=[0-9a-f]+", "Signature=abc"),
                good.replaceFirst("SignedHeaders=[^,]+", "SignedHeaders=x-amz-date"),
                good.replace("/aws4_request", "/aws3_request"),
                good.replace("AWS4-HMAC-SHA256 ", "AWS4-ECDSA-P256-SHA256 "),
                good + ", Signature=" + "0".repeat(64));
        for (String authorization : malformed) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(signed);
            headers.put("Authorization", authorization);

            // WHEN checked THEN refused as IncompleteSignature (400)
            Refusal refusal = LocalRequestGuard.checkAwsRequest("POST", null, lookup(headers), Presigning.NOT_ACCEPTED);
            assertThat(refusal).as(authorization).isEqualTo(Refusal.INCOMPLETE_SIGNATURE);
        }
        assertThat(Refusal.INCOMPLETE_SIGNATURE.code()).isEqualTo("IncompleteSignature");
        assertThat(Refusal.INCOMPLETE_SIGNATURE.status()).isEqualTo(400);
    }

    @Test
    void awsRequest_shouldBeIncompleteSignature_whenTheSignedTimeIsMissing() {
        // GIVEN a well-shaped Authorization header whose X-Amz-Date was dropped
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(sign(AwsCredentialsIdentity.create("AKID", "secret"), "states", "POST"));
        headers.remove("X-Amz-Date");

        // WHEN checked THEN refused
        assertThat(LocalRequestGuard.checkAwsRequest("POST", null, lookup(headers), Presigning.NOT_ACCEPTED))
                .isEqualTo(Refusal.INCOMPLETE_SIGNATURE);
    }

    @Test
    void awsRequest_shouldRefuseAnyOrigin_evenWhenSigned() {
        // GIVEN a correctly signed request that a browser sent (it names the page's origin)
        for (String origin : List.of("https://evil.example", "null", "http://127.0.0.1:4566")) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(sign(AwsCredentialsIdentity.create("AKID", "secret"), "states", "POST"));
            headers.put("Origin", origin);

            // WHEN checked THEN refused: SDKs and the AWS CLI never send Origin
            assertThat(LocalRequestGuard.checkAwsRequest("POST", null, lookup(headers), Presigning.NOT_ACCEPTED))
                    .as(origin).isEqualTo(Refusal.FOREIGN_ORIGIN);
        }
        assertThat(Refusal.FOREIGN_ORIGIN.status()).isEqualTo(403);
    }

    @Test
    void awsRequest_shouldRefuseABrowserFetchFromAnotherSite_withoutOrigin() {
        // GIVEN what a browser sends for <img src="http://127.0.0.1:PORT/?Action=Publish..."> on another site
        Map<String, String> headers = Map.of("Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "no-cors");

        // WHEN checked THEN refused as a web page's request
        assertThat(LocalRequestGuard.checkAwsRequest("GET", "Action=Publish", lookup(headers), Presigning.NOT_ACCEPTED))
                .isEqualTo(Refusal.FOREIGN_ORIGIN);
    }

    @Test
    void presignedUrl_shouldBeServed_whereTheServiceTakesIt_andOnlyThere() {
        // GIVEN a GET presigned by the SDK's S3Presigner with an arbitrary key pair
        URI url;
        try (S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).endpointOverride(ENDPOINT)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("ANYKEY", "any")))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(true).build())
                .build()) {
            url = URI.create(presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket("vidmeta-uploads").key("clip one.mp4"))).url().toString());
        }
        Function<String, String> noHeaders = lookup(Map.of());

        // WHEN checked as S3 (which takes presigned URLs), as a POST, and as a service that does not
        // THEN only the S3 GET is served
        assertThat(LocalRequestGuard.checkAwsRequest("GET", url.getRawQuery(), noHeaders, Presigning.ACCEPTED)).isNull();
        assertThat(LocalRequestGuard.checkAwsRequest("POST", url.getRawQuery(), noHeaders, Presigning.ACCEPTED))
                .isEqualTo(Refusal.MISSING_AUTHENTICATION);
        assertThat(LocalRequestGuard.checkAwsRequest("GET", url.getRawQuery(), noHeaders, Presigning.NOT_ACCEPTED))
                .isEqualTo(Refusal.MISSING_AUTHENTICATION);
        // AND a presigned query that lost its signature is AuthorizationQueryParametersError for S3
        String unsigned = url.getRawQuery().replaceFirst("X-Amz-Signature=[0-9a-f]+", "X-Amz-Signature=");
        Refusal broken = LocalRequestGuard.checkAwsRequest("GET", unsigned, noHeaders, Presigning.ACCEPTED);
        assertThat(broken).isEqualTo(Refusal.INCOMPLETE_PRESIGNED_QUERY);
        assertThat(broken.s3Code()).isEqualTo("AuthorizationQueryParametersError");
    }

    @Test
    void consoleRequest_shouldBeServed_fromItsOwnOrigin_orWithoutOne() {
        Set<String> own = Set.of("http://127.0.0.1:8123", "http://localhost:8123");

        assertThat(LocalRequestGuard.checkConsoleRequest(lookup(Map.of()), own)).isNull();
        assertThat(LocalRequestGuard.checkConsoleRequest(
                lookup(Map.of("Origin", "http://127.0.0.1:8123", "Sec-Fetch-Site", "same-origin")), own)).isNull();
        assertThat(LocalRequestGuard.checkConsoleRequest(lookup(Map.of("Origin", "http://localhost:8123")), own))
                .isNull();
    }

    @Test
    void consoleRequest_shouldBeRefused_fromAnyOtherOrigin() {
        Set<String> own = Set.of("http://127.0.0.1:8123", "http://localhost:8123");

        // GIVEN the Replay POST as other pages would send it: another site, another local port, a sandbox
        for (Map<String, String> headers : List.of(Map.of("Origin", "https://evil.example"),
                Map.of("Origin", "http://127.0.0.1:9999"), Map.of("Origin", "null"),
                Map.of("Sec-Fetch-Site", "same-site"))) {
            // WHEN checked THEN refused
            assertThat(LocalRequestGuard.checkConsoleRequest(lookup(headers), own)).as(headers.toString())
                    .isEqualTo(Refusal.FOREIGN_ORIGIN);
        }
    }

    /** The headers the SDK's SigV4 signer adds to a request to {@code service}. */
    private static Map<String, String> sign(AwsCredentialsIdentity keys, String service, String method) {
        SdkHttpRequest request = SdkHttpRequest.builder().uri(ENDPOINT).method(SdkHttpMethod.fromValue(method))
                .putHeader("Content-Type", "application/x-amz-json-1.0").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.request(request).identity(keys)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        signed.request().forEachHeader((name, values) -> headers.put(name, values.getFirst()));
        return headers;
    }

    private static Function<String, String> lookup(Map<String, String> headers) {
        Map<String, String> insensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        insensitive.putAll(headers);
        return insensitive::get;
    }
}
