package io.privacysuite.requests;

import java.util.List;

/**
 * Where an access/portability export lives in the exports bucket ({@code exports/<requestId>/<file>}) and the links
 * that reach it: the processor writes the files, the requests API serves the emailed download links
 * ({@code /v1/requests/<id>/download/<file>?token=...}), redirecting to a link presigned at the click.
 */
public final class ExportFiles {
    public static final String JSON = "export.json";
    public static final String HTML = "export.html";
    public static final List<String> NAMES = List.of(JSON, HTML);

    private ExportFiles() {}

    public static String key(String requestId, String file) {
        if (!NAMES.contains(file)) {
            throw new IllegalArgumentException("not an export file: " + file);
        }
        return "exports/" + requestId + "/" + file;
    }

    /** The emailed link to one file; {@code token} is the download token (or the status token). */
    public static String downloadUrl(String publicBaseUrl, String requestId, String file, String token) {
        String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        return base + "/v1/requests/" + requestId + "/download/" + file + "?token=" + token;
    }
}
