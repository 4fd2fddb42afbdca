package dev.vidmeta.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.record.ObjectRef;

/** Rekognition Video's stored-video API, as the pipeline uses it. */
public interface VideoAnalyzer {

    /**
     * Starts (or, for a token already used, finds) the job analysing this exact object version and notifying
     * the configured SNS topic.
     *
     * @return the JobId
     * @throws RekognitionBusyException at the concurrent-job limit or when throttled
     * @throws AnalysisRefusedException when Rekognition will not analyse this object
     * @throws TokenReusedException when the token was used before with other parameters
     */
    String start(AnalysisRequest request, ObjectRef object, String clientRequestToken, String jobTag)
            throws AnalysisRefusedException, TokenReusedException;

    /** The job's status, with one Get* call asking for a single result. */
    JobState status(Analysis analysis, String jobId);

    /**
     * Every page of the job's results merged into one Get* response document (AWS's field names), with the
     * detections of all pages in {@link Analysis#resultsField()}.
     */
    JsonNode results(Analysis analysis, String jobId);
}
