package dev.vidmeta.probe;

/**
 * A parsed {@code Content-Range} header: {@code bytes first-last/total}, or {@code bytes *}{@code /total}
 * on a 416 answer. The total is -1 when the server sends {@code *} for it.
 */
public record ContentRange(long first, long total) {

    /** @throws IllegalArgumentException when the header is not a byte range */
    public static ContentRange parse(String header) {
        if (header == null || !header.startsWith("bytes ")) {
            throw new IllegalArgumentException("bad Content-Range '" + header + "'");
        }
        int slash = header.lastIndexOf('/');
        int dash = header.indexOf('-');
        try {
            String total = header.substring(slash + 1).trim();
            String range = header.substring("bytes ".length(), slash).trim();
            long first = range.equals("*") ? -1 : Long.parseLong(header.substring("bytes ".length(), dash).trim());
            return new ContentRange(first, total.equals("*") ? -1 : Long.parseLong(total));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad Content-Range '" + header + "'", e);
        }
    }
}
