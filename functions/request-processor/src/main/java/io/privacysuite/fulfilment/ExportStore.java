package io.privacysuite.fulfilment;

import java.time.Duration;

/** Where a request's export files are kept for the person to download, as long as their links work. */
public interface ExportStore {
    /** How long the emailed download links work (the files are kept that long). */
    Duration linkLifetime();

    /** Stores one file of a request's export; storing it again replaces it. */
    void put(String requestId, String fileName, String contentType, String content);
}
