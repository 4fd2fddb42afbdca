package dev.vidmeta.analysis;

import dev.vidmeta.record.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Deterministic names for Rekognition jobs and the executions waiting on them.
 *
 * <p>The ClientRequestToken is derived from the object version and the analysis (with its minimum confidence),
 * so a Lambda retry, a Step Functions redrive or a duplicated event gets the same JobId back instead of a
 * second job. Rekognition allows 1-64 characters of {@code [a-zA-Z0-9-_]}: a URL-safe Base64 SHA-256 is 43.
 * The JobTag must be deterministic too, since Rekognition rejects a repeated token with different parameters.
 *
 * <p>Other parameters can still change under a token: a redeploy that replaces the SNS topic or the role makes
 * the notification channel differ, and Rekognition answers IdempotentParameterMismatchException ("A
 * ClientRequestToken input parameter was reused with an operation, but at least one of the other input
 * parameters is different from the previous call to the operation", StartCelebrityRecognition API reference,
 * https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartCelebrityRecognition.html#API_StartCelebrityRecognition_Errors).
 * The start then moves to the next token of a deterministic series ({@link #clientRequestToken(ObjectRef,
 * AnalysisRequest, int)}), so a retry of that start still finds its job instead of starting another.
 */
public final class JobTokens {

    private JobTokens() {}

    public static String clientRequestToken(ObjectRef object, AnalysisRequest request) {
        return clientRequestToken(object, request, 0);
    }

    /**
     * Token number {@code generation} of the series for this object version and analysis: generation 0 is
     * {@link #clientRequestToken(ObjectRef, AnalysisRequest)}; each later one is the fresh token to use when
     * Rekognition reported the previous one reused with different parameters.
     */
    public static String clientRequestToken(ObjectRef object, AnalysisRequest request, int generation) {
        String base = "vidmeta/v1\n" + object.bucket() + "\n" + object.key() + "\n" + nullToEmpty(object.versionId())
                + "\n" + nullToEmpty(object.etag()) + "\n" + request.analysis().code() + "\n"
                + request.minConfidence();
        return hash(generation == 0 ? base : base + "\ngeneration " + generation);
    }

    /** Correlates a job with its object in Rekognition's own listings; never carries the task token. */
    public static String jobTag(ObjectRef object, AnalysisRequest request) {
        return jobTag(object, request, 0);
    }

    /** The JobTag that goes with token number {@code generation}. */
    public static String jobTag(ObjectRef object, AnalysisRequest request, int generation) {
        return request.analysis().code() + "-" + clientRequestToken(object, request, generation).substring(0, 20);
    }

    /**
     * The slot lease of this object version's job for this analysis ({@link JobSlots}): one per job whatever the
     * token generation or minimum confidence, so a retry, a redrive or a duplicated event finds the lease it holds.
     */
    public static String leaseKey(ObjectRef object, Analysis analysis) {
        return hash("vidmeta/lease\n" + object.bucket() + "\n" + object.key() + "\n" + nullToEmpty(object.versionId())
                + "\n" + nullToEmpty(object.etag()) + "\n" + analysis.code()).substring(0, 32);
    }

    /** One waiter per execution: a retry or redrive of the same execution replaces its own token, nobody else's. */
    public static String waiterId(String executionId) {
        return hash("vidmeta/waiter\n" + executionId).substring(0, 22);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
