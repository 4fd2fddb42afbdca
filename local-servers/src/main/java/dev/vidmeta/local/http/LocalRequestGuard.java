package dev.vidmeta.local.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one gate in front of every local stand-in that speaks an AWS protocol (S3, Step Functions, SNS,
 * Rekognition) and of the console's own API.
 *
 * <p>Credentials: as LocalStack, Floci and moto do, any non-empty key pair is accepted, because locally there are
 * no accounts to check a key against and no secret to verify a signature with. What is required is a request
 * that an AWS SDK or the AWS CLI would send: a Signature Version 4 {@code Authorization} header of the documented
 * shape (algorithm {@code AWS4-HMAC-SHA256}, {@code Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request},
 * {@code SignedHeaders} naming {@code host}, a 64-hex-digit {@code Signature}) and an {@code X-Amz-Date} or
 * {@code Date}, or, where the service takes them (S3 presigned URLs), the same in {@code X-Amz-*} query
 * parameters. IAM user guide, "Authentication methods" and "Elements of an AWS API request signature":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-authentication-methods.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html.
 *
 * <p>Browsers: the servers listen on 127.0.0.1, which every web page the user opens can also reach. A page can
 * make the browser send a GET (an image, a link), a form POST, or a {@code fetch} whose preflight carries
 * {@code Origin}; it can never attach a SigV4 header without a CORS preflight. So a request without a
 * SigV4-shaped signature is refused, a presigned query is not taken on a POST (a form could forge one, since no
 * signature is verified), and any request that carries a foreign {@code Origin}, or a {@code Sec-Fetch-Site} that
 * says it comes from another site, is refused before anything else: neither the SDK nor the AWS CLI sends
 * those headers, so only a browser does. A page must not be able to publish, write a record or send a task token.
 *
 * <p>Refusals are the AWS common errors (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html):
 * MissingAuthenticationToken 403, IncompleteSignature 400, AccessDeniedException 403; S3 answers with its own
 * codes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html): AccessDenied 403,
 * AuthorizationHeaderMalformed 400, AuthorizationQueryParametersError 400.
 */
public final class LocalRequestGuard {

    /** Why a request was refused, with the error each protocol family answers. */
    public enum Refusal {
        MISSING_AUTHENTICATION(403, "MissingAuthenticationToken", 403, "AccessDenied",
                "Missing Authentication Token: sign the request with Signature Version 4 (any non-empty key pair)"),
        INCOMPLETE_SIGNATURE(400, "IncompleteSignature", 400, "AuthorizationHeaderMalformed",
                "The request signature does not conform to AWS standards (Signature Version 4 expected)"),
        INCOMPLETE_PRESIGNED_QUERY(400, "IncompleteSignature", 400, "AuthorizationQueryParametersError",
                "The X-Amz-* query parameters do not form a Signature Version 4 presigned request"),
        FOREIGN_ORIGIN(403, "AccessDeniedException", 403, "AccessDenied",
                "Requests from web pages are refused: the request carries a foreign Origin or Sec-Fetch-Site");

        private final int status;
        private final String code;
        private final int s3Status;
        private final String s3Code;
        private final String message;

        Refusal(int status, String code, int s3Status, String s3Code, String message) {
            this.status = status;
            this.code = code;
            this.s3Status = s3Status;
            this.s3Code = s3Code;
            this.message = message;
        }

        /** HTTP status for the JSON and Query protocols (Step Functions, SNS, Rekognition). */
        public int status() {
            return status;
        }

        /** Error code for the JSON and Query protocols. */
        public String code() {
            return code;
        }

        public int s3Status() {
            return s3Status;
        }

        public String s3Code() {
            return s3Code;
        }

        public String message() {
            return message;
        }
    }

    /** Whether the service takes SigV4 in query parameters (S3 presigned URLs) as well as in the header. */
    public enum Presigning { ACCEPTED, NOT_ACCEPTED }

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** {@code <key id>/<yyyymmdd>/<region>/<service>/aws4_request}; the key id only has to be non-empty. */
    private static final Pattern CREDENTIAL_SCOPE =
            Pattern.compile("[^/\\s,]+/\\d{8}/[a-z0-9-]+/[a-z0-9-]+/aws4_request");
    private static final Pattern SIGNED_HEADERS = Pattern.compile("[a-z0-9-]+(;[a-z0-9-]+)*");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");
    /** ISO 8601 basic format, as SigV4 requires for X-Amz-Date: {@code 20150830T123600Z}. */
    private static final Pattern AMZ_DATE = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final Set<String> SAME_SITE_FETCHES = Set.of("none", "same-origin");

    private LocalRequestGuard() {
    }

    /**
     * Checks a request to an AWS stand-in. No Origin is this server's own: its clients are SDKs and the CLI.
     *
     * @param header case-insensitive header lookup, null when absent
     * @param rawQuery the query string as sent (percent-encoded), or null
     * @return null when the request may be served
     */
    public static Refusal checkAwsRequest(String method, String rawQuery, Function<String, String> header,
            Presigning presigning) {
        if (header.apply("Origin") != null || fromAnotherSite(header)) {
            return Refusal.FOREIGN_ORIGIN;
        }
        String authorization = header.apply("Authorization");
        if (authorization != null) {
            return isSigV4Header(authorization) && hasSigningDate(header) ? null : Refusal.INCOMPLETE_SIGNATURE;
        }
        Map<String, String> query = query(rawQuery);
        if (presigning == Presigning.ACCEPTED && query.containsKey("X-Amz-Algorithm")
                && !"POST".equalsIgnoreCase(method)) {
            return isSigV4Query(query) ? null : Refusal.INCOMPLETE_PRESIGNED_QUERY;
        }
        return Refusal.MISSING_AUTHENTICATION;
    }

    /**
     * Checks a request to the console's own API: an {@code Origin}, when there is one, must be one of the
     * console's own; a mutation must also come from the same origin by {@code Sec-Fetch-Site}, when the browser
     * says where it comes from.
     *
     * @param ownOrigins e.g. {@code http://127.0.0.1:8123} and {@code http://localhost:8123}
     * @return null when the request may be served
     */
    public static Refusal checkConsoleRequest(Function<String, String> header, Set<String> ownOrigins) {
        String origin = header.apply("Origin");
        if (origin != null && !ownOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
            return Refusal.FOREIGN_ORIGIN;
        }
        return fromAnotherSite(header) ? Refusal.FOREIGN_ORIGIN : null;
    }

    /** Fetch metadata (https://www.w3.org/TR/fetch-metadata/): only browsers send it. */
    private static boolean fromAnotherSite(Function<String, String> header) {
        String site = header.apply("Sec-Fetch-Site");
        return site != null && !SAME_SITE_FETCHES.contains(site.toLowerCase(Locale.ROOT));
    }

    /** {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}, the elements in any order. */
    static boolean isSigV4Header(String authorization) {
        if (!authorization.startsWith(ALGORITHM + " ")) {
            return false;
        }
        Map<String, String> elements = new HashMap<>();
        for (String element : authorization.substring(ALGORITHM.length() + 1).split(",")) {
            int eq = element.indexOf('=');
            if (eq < 0 || elements.put(element.substring(0, eq).trim(), element.substring(eq + 1).trim()) != null) {
                return false;
            }
        }
        return elements.size() == 3 && wellFormed(elements.get("Credential"), elements.get("SignedHeaders"),
                elements.get("Signature"));
    }

    private static boolean isSigV4Query(Map<String, String> query) {
        String date = query.get("X-Amz-Date");
        return ALGORITHM.equals(query.get("X-Amz-Algorithm")) && date != null && AMZ_DATE.matcher(date).matches()
                && wellFormed(query.get("X-Amz-Credential"), query.get("X-Amz-SignedHeaders"),
                        query.get("X-Amz-Signature"));
    }

    private static boolean wellFormed(String credential, String signedHeaders, String signature) {
        return credential != null && CREDENTIAL_SCOPE.matcher(credential).matches()
                && signedHeaders != null && SIGNED_HEADERS.matcher(signedHeaders).matches()
                && Set.of(signedHeaders.split(";")).contains("host")
                && signature != null && SIGNATURE.matcher(signature).matches();
    }

    /** SigV4 signs a time: {@code X-Amz-Date} in ISO 8601 basic format, or the HTTP {@code Date} header. */
    private static boolean hasSigningDate(Function<String, String> header) {
        String amzDate = header.apply("X-Amz-Date");
        if (amzDate != null) {
            return AMZ_DATE.matcher(amzDate).matches();
        }
        String date = header.apply("Date");
        return date != null && !date.isBlank();
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(key, value);
            } catch (IllegalArgumentException badEscape) {
                // A malformed escape reads as an absent parameter: the shape check then fails on it.
            }
        }
        return out;
    }
}
