package dev.vidmeta.analysis;

import java.util.List;

/**
 * Rekognition Video's concurrent stored-video jobs, as slots an execution leases before it starts a job: by default
 * 20 per account and region, shared by every analysis type ("Guidelines and quotas in Amazon Rekognition",
 * https://docs.aws.amazon.com/rekognition/latest/dg/limits.html). Over the limit a Start* call fails with
 * LimitExceededException "until the number of concurrently running jobs is below the Amazon Rekognition service
 * limit" (Rekognition API reference, Common errors / LimitExceededException).
 *
 * <p>One lease per job, keyed by {@link JobTokens#leaseKey}: the same object version and analysis give the same
 * key, the same ClientRequestToken and therefore the same job, so taking a lease again for it is idempotent.
 */
public interface JobSlots {

    /**
     * One job's hold on a slot.
     *
     * @param jobId null until the job was started (then {@link #recordJob} sets it)
     * @param expiresAtMillis after this the lease is reconciled against the job's status (Get*)
     */
    record Lease(String key, String waiterId, Analysis analysis, String jobId, long acquiredAtMillis,
            long expiresAtMillis) {}

    /** The slots as read: every lease held. */
    record Holding(List<Lease> leases) {

        public int inUse() {
            return leases.size();
        }

        public Lease lease(String key) {
            return leases.stream().filter(l -> l.key().equals(key)).findFirst().orElse(null);
        }

        public List<Lease> expired(long nowMillis) {
            return leases.stream().filter(l -> l.expiresAtMillis() <= nowMillis).toList();
        }
    }

    /**
     * Takes a slot for every lease whose key is not held yet, all or none, so that at most {@code limit} are held.
     *
     * @return true when every key is held afterwards (taken now, or held already: a retry, a redrive, a duplicated
     *     event of the same object version); false when there are not enough free slots
     */
    boolean acquire(List<Lease> leases, int limit);

    /** Notes the started job's id on its lease (nothing when the lease is gone). */
    void recordJob(String key, String jobId);

    /**
     * Releases one lease, once.
     *
     * @return true when this call released it; false when it was not held (a duplicated notification)
     */
    boolean release(String key);

    /** A strongly consistent read of every lease. */
    Holding read();
}
