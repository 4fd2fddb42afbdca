package dev.vidmeta.analysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One analysis to run, with its minimum confidence (0-100; 0 means Rekognition's default).
 *
 * <p>Configured as a comma-separated list, for example {@code celebrities,labels:80,segments:90}.
 */
public record AnalysisRequest(Analysis analysis, float minConfidence) {

    public AnalysisRequest {
        if (minConfidence < 0 || minConfidence > 100) {
            throw new IllegalArgumentException(
                    "minimum confidence for " + analysis.code() + " must be 0..100, got " + minConfidence);
        }
    }

    public static List<AnalysisRequest> parseList(String spec) {
        List<AnalysisRequest> requests = new ArrayList<>();
        Set<Analysis> seen = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            Analysis a = Analysis.fromCode(colon < 0 ? p : p.substring(0, colon));
            float confidence = 0;
            if (colon >= 0) {
                try {
                    confidence = Float.parseFloat(p.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad minimum confidence in '" + p + "'", e);
                }
            }
            if (!seen.add(a)) {
                throw new IllegalArgumentException("analysis " + a.code() + " listed twice in '" + spec + "'");
            }
            requests.add(new AnalysisRequest(a, confidence));
        }
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no analysis configured in '" + spec + "'");
        }
        return List.copyOf(requests);
    }
}
