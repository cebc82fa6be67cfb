package io.privacysuite.it;

import io.privacysuite.local.emulators.NpmInstall;
import java.nio.file.Path;

/** The browser tests' npm packages (playwright-core, axe-core; pinned in tests/browser/package-lock.json). */
final class BrowserPackages {
    private BrowserPackages() {}

    /**
     * Installs them with {@code npm ci} on first use; never a browser (Debian's chromium runs the tests). The marker is
     * the last package the lock file added, so a folder installed from an older lock file is brought up to date.
     */
    static Path install(Path projectRoot) {
        Path dir = projectRoot.resolve("tests").resolve("browser");
        NpmInstall.ifMissing(dir, dir.resolve("node_modules").resolve("axe-core").resolve("axe.min.js"),
                "the browser tests' playwright-core and axe-core");
        return dir;
    }
}
