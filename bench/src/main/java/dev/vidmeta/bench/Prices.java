package dev.vidmeta.bench;

/**
 * AWS list prices the burst benchmark prices a video with, in one place: US East (N. Virginia), on-demand, no free
 * tier, as we knew them on 2026-12-03. They were not read from the pages named here that day (the pages could not
 * be fetched from this machine): check them against those pages before relying on a figure. The verdict the
 * benchmark prints (pipeline overhead under 0.5 % of Rekognition's price) holds with a wide margin: it would take
 * a Rekognition price some 20 times lower to break it.
 */
final class Prices {

    private Prices() {}

    /** $0.025 per 1,000 state transitions, Standard workflows: https://aws.amazon.com/step-functions/pricing/ */
    static final double STEP_FUNCTIONS_PER_TRANSITION = 0.025 / 1_000;

    /** $0.20 per 1M requests: https://aws.amazon.com/lambda/pricing/ */
    static final double LAMBDA_PER_REQUEST = 0.20 / 1_000_000;

    /**
     * Arm (Terraform's default architecture, var.architecture = "arm64"): $0.0000133334 per GB-second, first 7.5
     * billion GB-s a month: https://aws.amazon.com/lambda/pricing/
     */
    static final double LAMBDA_PER_GB_SECOND = 0.0000133334;

    /** S3 Standard, PUT, COPY, POST, LIST: $0.005 per 1,000: https://aws.amazon.com/s3/pricing/ */
    static final double S3_PER_PUT = 0.005 / 1_000;

    /** S3 Standard, GET, SELECT and all other requests (HEAD included): $0.0004 per 1,000: https://aws.amazon.com/s3/pricing/ */
    static final double S3_PER_GET = 0.0004 / 1_000;

    /**
     * DynamoDB on-demand, $0.625 per million write request units (after the November 2024 price cut): one WRU per
     * 1 KB of item written: https://aws.amazon.com/dynamodb/pricing/on-demand/
     */
    static final double DYNAMODB_PER_WRITE_UNIT = 0.625 / 1_000_000;

    /** DynamoDB on-demand, $0.125 per million read request units: https://aws.amazon.com/dynamodb/pricing/on-demand/ */
    static final double DYNAMODB_PER_READ_UNIT = 0.125 / 1_000_000;

    /**
     * Rekognition Video, stored video analysis (labels, celebrities, faces, text, moderation): $0.10 per minute of
     * video, first 1M minutes a month: https://aws.amazon.com/rekognition/pricing/
     */
    static final double REKOGNITION_VIDEO_PER_MINUTE = 0.10;

    /** The deployed memory sizes, terraform/lambda.tf's defaults (MB). */
    static final int PROBE_MB = 1024;
    static final int START_ANALYSIS_MB = 512;
    static final int CALLBACK_MB = 1024;
    static final int MERGE_RECORD_MB = 512;
}
