package dev.vidmeta.record;

import java.util.List;

/**
 * Finds which reading of an event's key ({@link ObjectKeys#candidates}) names the object the event announced,
 * by HeadObject against the event's version id, or, in an unversioned bucket, its ETag. The decoded key is
 * tried first, then the key as sent. Every function that reads or records the object resolves through this
 * class, so the probe, the analysis and the record agree.
 *
 * <p>A key that reads the same both ways (no '+', no '%') needs no request: it is used as is.
 */
public final class ObjectKeyResolver {

    /** Which reading of the event's key names the object. */
    public enum KeyForm {
        /** Both readings are the same key; nothing was asked. */
        PLAIN,
        /** The key URL-decoded, as S3 notifications encode it. */
        DECODED,
        /** The key exactly as the event sent it. */
        RAW,
        /** Neither reading holds the announced version (or ETag): gone, changed, or never there. */
        UNMATCHED,
        /** Not asked (the last-resort failure record must not depend on S3): the likelier reading, unchecked. */
        UNCONFIRMED
    }

    /**
     * @param object the event's object with the resolved key (for UNMATCHED, the key as sent)
     * @param eventKey the key as the event sent it
     * @param reason for UNMATCHED, a sentence naming both readings; otherwise null
     */
    public record Resolution(ObjectRef object, KeyForm form, String eventKey, String reason) {

        public boolean matched() {
            return form != KeyForm.UNMATCHED;
        }
    }

    private final ObjectHeads heads;

    public ObjectKeyResolver(ObjectHeads heads) {
        this.heads = heads;
    }

    public Resolution resolve(ObjectRef event) {
        List<String> candidates = ObjectKeys.candidates(event.key());
        if (candidates.size() == 1) {
            return new Resolution(event, KeyForm.PLAIN, event.key(), null);
        }
        for (int i = 0; i < candidates.size(); i++) {
            String key = candidates.get(i);
            if (holdsTheAnnouncedObject(event, key)) {
                return new Resolution(withKey(event, key), i == 0 ? KeyForm.DECODED : KeyForm.RAW, event.key(),
                        null);
            }
        }
        String what = event.versioned() ? "version " + event.versionId()
                : event.etag() != null ? "an object with ETag " + event.etag() : "an object";
        return new Resolution(event, KeyForm.UNMATCHED, event.key(), "object key: neither \"" + candidates.get(0)
                + "\" (the event's key URL-decoded, as S3 notifications encode keys) nor \"" + candidates.get(1)
                + "\" (the key as sent) holds " + what + " in bucket " + event.bucket()
                + "; it was deleted or changed since the event, never existed, or S3 refused access to it (a 403,"
                + " which HeadObject also answers for a missing key without s3:ListBucket)");
    }

    /** The likelier reading without asking S3: for the last-resort record, which must not fail on S3. */
    public static Resolution unconfirmed(ObjectRef event) {
        return new Resolution(withKey(event, ObjectKeys.candidates(event.key()).getFirst()), KeyForm.UNCONFIRMED,
                event.key(), null);
    }

    private boolean holdsTheAnnouncedObject(ObjectRef event, String key) {
        ObjectHeads.Head head = heads.head(event.bucket(), key, event.versioned() ? event.versionId() : null);
        if (head == null) {
            return false;
        }
        if (event.versioned()) {
            return event.versionId().equals(head.versionId());
        }
        return event.etag() == null || event.etag().isEmpty() || event.etag().equals(head.etag());
    }

    static ObjectRef withKey(ObjectRef o, String key) {
        return key.equals(o.key()) ? o : new ObjectRef(o.bucket(), key, o.versionId(), o.etag(), o.size(),
                o.sequencer(), o.eventTime(), o.eventId(), o.reason());
    }
}
