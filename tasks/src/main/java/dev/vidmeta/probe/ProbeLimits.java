package dev.vidmeta.probe;

import java.time.Duration;

/**
 * Bounds on the work spent on one object, so that a hostile or broken file cannot make the probe read
 * forever. MediaInfo's own stopping rules end well-formed files far below these bounds (the largest
 * baseline file, a 1.89 GB MPEG-TS, needs about 65 MB).
 *
 * @param maxBytes bytes fed to MediaInfo, at most
 * @param maxReads read calls, at most (a file can ask for many small seeks)
 * @param maxReadSize the largest single read; MediaInfo may ask for more (whole frames), and then
 *     gets it in several pieces, which keeps the heap small whatever the file
 * @param timeout wall time, at most
 */
public record ProbeLimits(long maxBytes, int maxReads, int maxReadSize, Duration timeout) {

    public ProbeLimits {
        if (maxBytes <= 0 || maxReads <= 0 || maxReadSize <= 0 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("probe limits must be positive: " + maxBytes + ", " + maxReads
                    + ", " + maxReadSize + ", " + timeout);
        }
    }

    /** 512 MiB, 100,000 reads, 4 MiB per read, 2 minutes. */
    public static ProbeLimits defaults() {
        return new ProbeLimits(512L << 20, 100_000, 4 << 20, Duration.ofMinutes(2));
    }
}
