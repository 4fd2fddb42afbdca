package dev.vidmeta.record;

/** Reads a status a branch wrote, for {@link BranchStatus} and {@link ProbeStatus}. */
final class Statuses {

    private Statuses() {}

    /** The constant of {@code type} named {@code name}; {@code unknown} for a missing or unknown name. */
    static <E extends Enum<E>> E named(Class<E> type, String name, E unknown) {
        for (E status : type.getEnumConstants()) {
            if (status.name().equals(name)) {
                return status;
            }
        }
        return unknown;
    }
}
