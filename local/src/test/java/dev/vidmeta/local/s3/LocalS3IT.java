package dev.vidmeta.local.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.events.ObjectCreatedEvent;
import dev.vidmeta.local.events.S3EventJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The local S3 through the SDK's S3Client: what the pipeline relies on, as S3 does it. */
class LocalS3IT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path workDir;

    static LocalS3 s3;
    static S3Client client;
    static final List<ObjectCreated> events = new CopyOnWriteArrayList<>();
    static final List<ObjectDeleted> deletions = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        s3 = LocalS3.start(workDir, e -> {
            switch (e) {
                case ObjectCreated created -> events.add(created);
                case ObjectDeleted deleted -> deletions.add(deleted);
            }
        });
        s3.createBucket("plain", false);
        s3.createBucket("versioned", true);
        client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        s3.close();
    }

    @BeforeEach
    void clearEvents() {
        events.clear();
        deletions.clear();
    }

    @Test
    void server_shouldListenOnLoopbackOnly() {
        assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void putObject_shouldEmitObjectCreatedEvent_withUrlEncodedKeyAndUnquotedEtag() throws Exception {
        // GIVEN a key that S3 notifications would URL-encode
        String key = "uploads/My Clip ü+1.mp4";

        // WHEN
        var put = client.putObject(b -> b.bucket("plain").key(key), RequestBody.fromString("hello world"));

        // THEN the event has AWS's shape (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html)
        assertThat(events).hasSize(1);
        JsonNode event = JSON.readTree(S3EventJson.of(events.getFirst()));
        assertThat(event.get("version").asText()).isEqualTo("0");
        assertThat(event.get("detail-type").asText()).isEqualTo("Object Created");
        assertThat(event.get("source").asText()).isEqualTo("aws.s3");
        assertThat(event.get("account").asText()).isEqualTo(LocalAws.ACCOUNT_ID);
        assertThat(event.get("region").asText()).isEqualTo(LocalAws.REGION);
        assertThat(event.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(event.get("resources").get(0).asText()).isEqualTo("arn:aws:s3:::plain");
        JsonNode detail = event.get("detail");
        assertThat(detail.get("version").asText()).isEqualTo("0");
        assertThat(detail.at("/bucket/name").asText()).isEqualTo("plain");
        // URL-encoded as S3 notifications encode keys: "'red flower.jpg' becomes 'red+flower.jpg'" (S3 User Guide,
        // "Event message structure", https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
        assertThat(detail.at("/object/key").asText()).isEqualTo("uploads/My+Clip+%C3%BC%2B1.mp4");
        assertThat(detail.at("/object/size").asLong()).isEqualTo(11);
        assertThat(detail.at("/object/etag").asText()).isEqualTo(put.eTag().replace("\"", ""));
        assertThat(detail.at("/object").has("version-id")).isFalse();
        assertThat(detail.at("/object/sequencer").asText()).matches("[0-9A-F]{16}|[0-9A-F]{18}");
        assertThat(detail.get("request-id").asText()).matches("[0-9A-F]{16}");
        assertThat(detail.get("requester").asText()).isEqualTo(LocalAws.ACCOUNT_ID);
        assertThat(detail.get("source-ip-address").asText()).isEqualTo("127.0.0.1");
        assertThat(detail.get("reason").asText()).isEqualTo("PutObject");
    }

    /**
     * S3 keeps keys literally, "a sequence of Unicode characters encoded in UTF-8, with a maximum length of 1,024
     * bytes" (S3 User Guide, "Naming Amazon S3 objects",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html): a dot segment is not resolved and a 1,015-byte segment is kept whole, in the object, the listing and the event.
     */
    @Test
    void putObject_shouldKeepAndReportTheLiteralKey_forDotSegmentsAndALongSegment() throws Exception {
        // GIVEN keys a filesystem path would normalize or refuse
        String dotDot = "bad/../escape.mp4";
        String longSegment = "long/" + "x".repeat(1_011) + ".mp4";

        // WHEN both are PUT
        client.putObject(b -> b.bucket("versioned").key(dotDot), RequestBody.fromString("dot dot"));
        client.putObject(b -> b.bucket("versioned").key(longSegment), RequestBody.fromString("long"));

        // THEN each reads back and lists under its own key, and its event's JSON names exactly that key
        assertThat(client.getObjectAsBytes(b -> b.bucket("versioned").key(dotDot)).asUtf8String())
                .isEqualTo("dot dot");
        assertThat(client.getObjectAsBytes(b -> b.bucket("versioned").key(longSegment)).asUtf8String())
                .isEqualTo("long");
        assertThat(client.listObjectsV2(b -> b.bucket("versioned").prefix("bad/")).contents())
                .extracting(S3Object::key).containsExactly(dotDot);
        assertThatThrownBy(() -> client.headObject(b -> b.bucket("versioned").key("escape.mp4")))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(events).hasSize(2);
        assertThat(JSON.readTree(S3EventJson.of(events.get(0))).at("/detail/object/key").asText()).isEqualTo(dotDot);
        assertThat(JSON.readTree(S3EventJson.of(events.get(1))).at("/detail/object/key").asText())
                .isEqualTo(longSegment);
    }

    /**
     * S3 User Guide, "Event message structure": sequencers "can be of different lengths. To compare these values,
     * first right pad the shorter value with zeros, and then do a lexicographical comparison"
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
     */
    @Test
    void sequencer_shouldVaryInLength_andIncreaseUnderRightPadding_forSuccessiveWritesToOneKey() {
        // WHEN one key is written four times
        for (int i = 0; i < 4; i++) {
            String body = Integer.toString(i);
            client.putObject(b -> b.bucket("plain").key("seq"), RequestBody.fromString(body));
        }

        // THEN the sequencers have both of AWS's lengths, and each is later than the one before, right-padded
        List<String> sequencers = events.stream().map(ObjectCreated::sequencer).toList();
        assertThat(sequencers).hasSize(4).allMatch(s -> s.matches("[0-9A-F]{16}|[0-9A-F]{18}"));
        assertThat(sequencers).extracting(String::length).contains(16, 18);
        for (int i = 1; i < sequencers.size(); i++) {
            assertThat(rightPadded(sequencers.get(i))).isGreaterThan(rightPadded(sequencers.get(i - 1)));
        }
    }

    private static String rightPadded(String sequencer) {
        return sequencer + "0".repeat(32 - sequencer.length());
    }

    @Test
    void rangedGet_shouldReturnExactlyTheRange() {
        client.putObject(b -> b.bucket("plain").key("range"), RequestBody.fromString("0123456789"));

        var bytes = client.getObjectAsBytes(b -> b.bucket("plain").key("range").range("bytes=2-5"));

        assertThat(bytes.asString(StandardCharsets.US_ASCII)).isEqualTo("2345");
        assertThat(bytes.response().contentRange()).isEqualTo("bytes 2-5/10");
    }

    @Test
    void rangedGet_shouldFailWith412_whenIfMatchNamesAReplacedObject() {
        // S3: "If the ETag ... doesn't match, Amazon S3 returns 412 Precondition Failed"
        // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax)
        String oldEtag = client.putObject(b -> b.bucket("plain").key("pinned"), RequestBody.fromString("first")).eTag();
        client.putObject(b -> b.bucket("plain").key("pinned"), RequestBody.fromString("second!"));

        assertThatThrownBy(() -> client.getObjectAsBytes(
                        b -> b.bucket("plain").key("pinned").range("bytes=0-2").ifMatch(oldEtag)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
                });
    }

    @Test
    void rangedGet_shouldSucceed_whenIfMatchNamesTheCurrentObject() {
        String etag = client.putObject(b -> b.bucket("plain").key("current"), RequestBody.fromString("abcdef")).eTag();

        var bytes = client.getObjectAsBytes(b -> b.bucket("plain").key("current").range("bytes=1-2").ifMatch(etag));

        assertThat(bytes.asUtf8String()).isEqualTo("bc");
    }

    @Test
    void versionedBucket_shouldServeAnOlderVersion_byVersionIdOnGetAndHead() throws Exception {
        var first = client.putObject(b -> b.bucket("versioned").key("v"), RequestBody.fromString("first"));
        var second = client.putObject(b -> b.bucket("versioned").key("v"), RequestBody.fromString("second"));

        assertThat(first.versionId()).isNotBlank().isNotEqualTo("null").isNotEqualTo(second.versionId());
        assertThat(client.getObjectAsBytes(b -> b.bucket("versioned").key("v").versionId(first.versionId()))
                .asUtf8String()).isEqualTo("first");
        assertThat(client.getObjectAsBytes(b -> b.bucket("versioned").key("v")).asUtf8String()).isEqualTo("second");
        var head = client.headObject(b -> b.bucket("versioned").key("v").versionId(first.versionId()));
        assertThat(head.eTag()).isEqualTo(first.eTag());
        assertThat(head.versionId()).isEqualTo(first.versionId());
        assertThat(head.contentLength()).isEqualTo(5);
        // the events name the versions they announce
        assertThat(events).extracting(ObjectCreated::versionId).containsExactly(first.versionId(), second.versionId());
        assertThat(JSON.readTree(S3EventJson.of(events.getFirst())).at("/detail/object/version-id").asText())
                .isEqualTo(first.versionId());
    }

    /**
     * S3 User Guide, "EventBridge event message structure", example "Object deleted (using DeleteObject)" and the
     * detail field {@code deletion-type} (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
     */
    @Test
    void deleteObject_shouldEmitObjectDeleted_withTheDeleteMarker_inAVersionedBucket() throws Exception {
        // GIVEN a version
        client.putObject(b -> b.bucket("versioned").key("gone 1.mp4"), RequestBody.fromString("x"));
        String created = events.getLast().sequencer();

        // WHEN it is deleted without a version id (what `aws s3 rm` does)
        var delete = client.deleteObject(b -> b.bucket("versioned").key("gone 1.mp4"));

        // THEN a delete marker exists, and the event names it, in AWS's shape, with a later sequencer
        assertThat(delete.deleteMarker()).isTrue();
        JsonNode event = JSON.readTree(S3EventJson.of(deletions.getFirst()));
        assertThat(deletions).hasSize(1);
        assertThat(event.get("detail-type").asText()).isEqualTo("Object Deleted");
        assertThat(event.get("source").asText()).isEqualTo("aws.s3");
        JsonNode detail = event.get("detail");
        assertThat(detail.at("/bucket/name").asText()).isEqualTo("versioned");
        assertThat(detail.at("/object/key").asText()).isEqualTo("gone+1.mp4");
        assertThat(detail.at("/object/version-id").asText()).isEqualTo(delete.versionId());
        assertThat(detail.at("/object/etag").asText()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(detail.get("reason").asText()).isEqualTo("DeleteObject");
        assertThat(detail.get("deletion-type").asText()).isEqualTo("Delete Marker Created");
        String sequencer = detail.at("/object/sequencer").asText();
        assertThat(sequencer + "0".repeat(32 - sequencer.length()))
                .isGreaterThan(created + "0".repeat(32 - created.length()));
    }

    @Test
    void deleteObject_shouldEmitPermanentlyDeleted_withTheVersion_whenAVersionIsDeleted() throws Exception {
        var put = client.putObject(b -> b.bucket("versioned").key("old.mp4"), RequestBody.fromString("x"));

        client.deleteObject(b -> b.bucket("versioned").key("old.mp4").versionId(put.versionId()));

        JsonNode detail = JSON.readTree(S3EventJson.of(deletions.getFirst())).get("detail");
        assertThat(detail.get("deletion-type").asText()).isEqualTo("Permanently Deleted");
        assertThat(detail.at("/object/version-id").asText()).isEqualTo(put.versionId());
        assertThat(detail.at("/object").has("etag")).isFalse();
    }

    @Test
    void deleteObject_shouldEmitPermanentlyDeleted_withoutVersion_inAnUnversionedBucket() throws Exception {
        client.putObject(b -> b.bucket("plain").key("flat.mp4"), RequestBody.fromString("x"));

        client.deleteObject(b -> b.bucket("plain").key("flat.mp4"));

        JsonNode detail = JSON.readTree(S3EventJson.of(deletions.getFirst())).get("detail");
        assertThat(detail.get("deletion-type").asText()).isEqualTo("Permanently Deleted");
        assertThat(detail.at("/object").has("version-id")).isFalse();
    }

    @Test
    void copyObject_shouldEmitCopyObjectEvent_withDestinationSize() {
        client.putObject(b -> b.bucket("plain").key("source"), RequestBody.fromString("copy me"));
        events.clear();

        client.copyObject(b -> b.sourceBucket("plain").sourceKey("source").destinationBucket("versioned")
                .destinationKey("copied"));

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("CopyObject");
            assertThat(e.bucket()).isEqualTo("versioned");
            assertThat(e.key()).isEqualTo("copied");
            assertThat(e.size()).isEqualTo(7);
            assertThat(e.versionId()).isNotBlank();
        });
    }

    @Test
    void completeMultipartUpload_shouldEmitOneEvent_withTheAssembledSize() {
        String uploadId = client.createMultipartUpload(b -> b.bucket("plain").key("big")).uploadId();
        byte[] part1 = new byte[5 * 1024 * 1024];
        byte[] part2 = "tail".getBytes(StandardCharsets.US_ASCII);
        String e1 = client.uploadPart(b -> b.bucket("plain").key("big").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(part1)).eTag();
        String e2 = client.uploadPart(b -> b.bucket("plain").key("big").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(part2)).eTag();

        var done = client.completeMultipartUpload(b -> b.bucket("plain").key("big").uploadId(uploadId)
                .multipartUpload(CompletedMultipartUpload.builder().parts(
                        CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build()).build()));

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("CompleteMultipartUpload");
            assertThat(e.key()).isEqualTo("big");
            assertThat(e.size()).isEqualTo(part1.length + part2.length);
            assertThat(e.etag()).isEqualTo(done.eTag().replace("\"", ""));
        });
    }

    @Test
    void request_shouldBeServed_whenSignedWithAnyNonEmptyKeyPair() {
        // GIVEN a client with a key pair the local runtime never printed (the LocalStack/moto convention)
        try (S3Client other = S3Client.builder().forcePathStyle(true).endpointOverride(s3.endpoint())
                .region(LocalAws.region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOTHER", "other")))
                .build()) {
            // WHEN it writes and reads
            other.putObject(b -> b.bucket("plain").key("any-key-pair"), RequestBody.fromString("hello"));

            // THEN S3 serves it
            assertThat(other.getObjectAsBytes(b -> b.bucket("plain").key("any-key-pair")).asUtf8String())
                    .isEqualTo("hello");
        }
        assertThat(events).extracting(ObjectCreated::key).containsExactly("any-key-pair");
    }

    @Test
    void request_shouldBeAccessDenied_whenUnsigned() {
        // GIVEN a client that sends no signature at all
        try (S3Client anonymous = S3Client.builder().forcePathStyle(true).endpointOverride(s3.endpoint())
                .region(LocalAws.region()).credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
            // WHEN it writes THEN S3's AccessDenied, 403, and nothing is stored
            assertThatThrownBy(() -> anonymous.putObject(b -> b.bucket("plain").key("x"), RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    });
        }
        assertThat(events).isEmpty();
    }

    @Test
    void browserFormUpload_shouldBeRefused_andStoreNothing() throws Exception {
        // GIVEN the POST Object form upload a web page can submit to 127.0.0.1 (no Authorization header)
        String boundary = "b0undary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nfrom-a-page\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nx\r\n"
                + "--" + boundary + "--\r\n";
        HttpResponse<String> fromPage = send(HttpRequest.newBuilder(URI.create(s3.endpoint() + "/plain"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        // AND the same upload with the page's Origin, as browsers send it
        HttpResponse<String> withOrigin = send(HttpRequest.newBuilder(URI.create(s3.endpoint() + "/plain"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Origin", "https://example.com")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        // THEN both get S3's AccessDenied, and no object was created
        // (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)
        assertThat(fromPage.statusCode()).isEqualTo(403);
        assertThat(fromPage.body()).contains("<Code>AccessDenied</Code>");
        assertThat(withOrigin.statusCode()).isEqualTo(403);
        assertThat(events).isEmpty();
        assertThatThrownBy(() -> client.headObject(b -> b.bucket("plain").key("from-a-page")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void request_shouldBeAuthorizationHeaderMalformed_whenNotSigV4() throws Exception {
        // GIVEN a Signature Version 2 header (deprecated for S3) and HTTP Basic, which a browser can send
        for (String authorization : List.of("AWS " + LocalAws.ACCESS_KEY_ID + ":c2lnbmF0dXJl", "Basic dTpw")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(s3.endpoint() + "/plain/x"))
                    .header("Authorization", authorization).header("X-Amz-Date", "20260101T000000Z")
                    .PUT(HttpRequest.BodyPublishers.ofString("x")));

            // THEN 400 AuthorizationHeaderMalformed
            assertThat(response.statusCode()).as(authorization).isEqualTo(400);
            assertThat(response.body()).contains("<Code>AuthorizationHeaderMalformed</Code>");
        }
        assertThat(events).isEmpty();
    }

    @Test
    void presignedGet_shouldBeServed_withAnyKeyPair() throws Exception {
        // GIVEN an object and a GET URL presigned by the SDK with a key pair of its own
        client.putObject(b -> b.bucket("plain").key("shared clip.mp4"), RequestBody.fromString("frames"));
        String url;
        try (S3Presigner presigner = S3Presigner.builder().region(LocalAws.region()).endpointOverride(s3.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRESIGN", "s")))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build()) {
            url = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket("plain").key("shared clip.mp4"))).url().toString();
        }

        // WHEN fetched without any header THEN the object comes back
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("frames");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void start_shouldRefuse_whenTheWorkDirIsInUse() {
        assertThatThrownBy(() -> LocalS3.start(workDir, e -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another local S3");
    }

    @Test
    void close_shouldStopCleanly_whileAClientHoldsAnIdleKeepAliveConnection(@TempDir Path otherWorkDir) {
        // GIVEN a local S3 that served a request, and a client whose pool still holds that connection, idle
        var other = LocalS3.start(otherWorkDir, e -> { });
        other.createBucket("kept-alive", false);
        URI endpoint = other.endpoint();
        try (S3Client otherClient = LocalAws.client(S3Client.builder().forcePathStyle(true), other.endpoint())) {
            otherClient.putObject(b -> b.bucket("kept-alive").key("k"), RequestBody.fromString("v"));

            // WHEN it stops, the client still open
            // THEN it stops without error and frees its port (it used to drain gracefully for up to 2 s, wait
            // out the idle connection and, on a busy machine, fail with "local S3 did not stop cleanly")
            assertThatCode(other::close).doesNotThrowAnyException();
            assertThat(acceptsConnections(endpoint)).isFalse();
        }
    }

    private static boolean acceptsConnections(URI endpoint) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
