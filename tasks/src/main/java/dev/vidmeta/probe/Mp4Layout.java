package dev.vidmeta.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the first block of an ISO BMFF file (MP4, MOV, fragmented MP4) says about where the rest
 * of its metadata lives: the top-level boxes in that block, the moov if it starts there, and the
 * first byte whose box is not yet known (typically the end of mdat, where a moov-at-end or the
 * next fragment starts). Only box headers are trusted; absurd sizes end the walk.
 */
record Mp4Layout(
        long moovOffset,
        boolean fragmented,
        long firstMoofSize,
        long nextUnknown,
        List<Long> sidxMoofOffsets) {

    /** Top-level box types that let us call a file ISO BMFF from its first eight bytes. */
    private static final Set<String> LEADING_BOXES =
            Set.of("ftyp", "styp", "moov", "mdat", "free", "skip", "wide", "pnot", "sidx", "moof", "uuid");

    /** @return the layout, or null when the block does not start with an ISO BMFF box */
    static Mp4Layout read(byte[] head, int headLength, long fileSize) {
        if (headLength < 8 || !LEADING_BOXES.contains(type(head, 4))) {
            return null;
        }
        long moovOffset = -1;
        boolean fragmented = false;
        long firstMoofSize = -1;
        List<Long> sidx = new ArrayList<>();
        long pos = 0;
        while (pos + 8 <= headLength && pos < fileSize) {
            int at = (int) pos;
            long size = u32(head, at);
            String type = type(head, at + 4);
            int header = 8;
            if (size == 1) {
                if (at + 16 > headLength) {
                    break;
                }
                size = u64(head, at + 8);
                header = 16;
            } else if (size == 0) {
                size = fileSize - pos;
            }
            if (size < header || pos + size > fileSize) {
                // An absurd size: stop here and let MediaInfo report the damage from the bytes.
                return new Mp4Layout(moovOffset, fragmented, firstMoofSize, fileSize, sidx);
            }
            switch (type) {
                case "moov" -> {
                    moovOffset = pos;
                    fragmented |= containsChild(head, headLength, at + header, pos + size, "mvex");
                }
                case "moof" -> {
                    fragmented = true;
                    if (firstMoofSize < 0) {
                        firstMoofSize = size;
                    }
                }
                case "sidx" -> {
                    if (pos + size <= headLength) {
                        sidx.addAll(sidxMoofOffsets(head, at, (int) size, pos));
                    }
                }
                default -> { }
            }
            pos += size;
        }
        return new Mp4Layout(moovOffset, fragmented, firstMoofSize, Math.min(pos, fileSize),
                List.copyOf(new TreeSet<>(sidx)));
    }

    /** Whether a child box of this type starts within the part of the parent held in the block. */
    private static boolean containsChild(byte[] block, int blockLength, int from, long parentEnd, String wanted) {
        long pos = from;
        long end = Math.min(parentEnd, blockLength);
        while (pos + 8 <= end) {
            long size = u32(block, (int) pos);
            if (type(block, (int) pos + 4).equals(wanted)) {
                return true;
            }
            if (size < 8) {
                return false;
            }
            pos += size;
        }
        return false;
    }

    /** Offsets of the segments a sidx box references (ISO 14496-12 8.16.3), i.e. where the moofs are. */
    private static List<Long> sidxMoofOffsets(byte[] b, int at, int size, long boxOffset) {
        List<Long> offsets = new ArrayList<>();
        int p = at + 8;
        int version = b[p] & 0xff;
        p += 4 + 4 + 4; // version+flags, reference_ID, timescale
        long firstOffset;
        if (version == 0) {
            p += 4;
            firstOffset = u32(b, p);
            p += 4;
        } else {
            p += 8;
            firstOffset = u64(b, p);
            p += 8;
        }
        p += 2; // reserved
        int count = u16(b, p);
        p += 2;
        long anchor = boxOffset + size + firstOffset;
        for (int i = 0; i < count && p + 12 <= at + size; i++, p += 12) {
            long word = u32(b, p);
            boolean referencesIndex = (word & 0x8000_0000L) != 0;
            if (!referencesIndex) {
                offsets.add(anchor);
            }
            anchor += word & 0x7fff_ffffL;
        }
        return offsets;
    }

    /**
     * The moof offsets listed by an mfra box (tfra children, ISO 14496-12 8.8.10) held in
     * {@code block[from, from + length)}.
     */
    static List<Long> mfraMoofOffsets(byte[] block, int from, int length) {
        TreeSet<Long> offsets = new TreeSet<>();
        int end = from + length;
        if (length < 8 || !type(block, from + 4).equals("mfra")) {
            return List.of();
        }
        int p = from + 8;
        while (p + 8 <= end) {
            long size = u32(block, p);
            if (size < 8 || p + size > end) {
                break;
            }
            if (type(block, p + 4).equals("tfra") && size >= 24) {
                int q = p + 8;
                int version = block[q] & 0xff;
                q += 4 + 4; // version+flags, track_ID
                long sizes = u32(block, q);
                q += 4;
                int entryBytes = (version == 1 ? 16 : 8)
                        + (int) (((sizes >> 4) & 3) + 1 + ((sizes >> 2) & 3) + 1 + (sizes & 3) + 1);
                long entries = u32(block, q);
                q += 4;
                for (long i = 0; i < entries && q + entryBytes <= p + size; i++, q += entryBytes) {
                    offsets.add(version == 1 ? u64(block, q + 8) : u32(block, q + 4));
                }
            }
            p += (int) size;
        }
        return List.copyOf(offsets);
    }

    /** The mfra size an mfro box (the last 16 bytes of a fragmented file) announces, or -1. */
    static long mfroMfraSize(byte[] block, int at) {
        if (u32(block, at) != 16 || !type(block, at + 4).equals("mfro")) {
            return -1;
        }
        return u32(block, at + 12);
    }

    private static String type(byte[] b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) (b[at + i] & 0xff);
        }
        return new String(c);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static long u64(byte[] b, int at) {
        return (u32(b, at) << 32) | u32(b, at + 4);
    }
}
