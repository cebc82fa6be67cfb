package io.privacysuite.local.emulators;

import io.privacysuite.local.runtime.LocalLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Installs an npm package folder of the project from its lock file ({@code npm ci}) the first time something needs
 * it, so a fresh clone works without a separate step. A file lock keeps parallel JVMs (forked test runs) from
 * installing over each other.
 */
public final class NpmInstall {
    private static final LocalLog LOG = LocalLog.get(NpmInstall.class);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    private NpmInstall() {}

    /**
     * Runs {@code npm ci} in {@code directory} unless {@code installed} (a file the install leaves) is there.
     * {@code what} names the package in messages; {@code extraArgs} go to npm (e.g. {@code --ignore-scripts}).
     */
    public static Path ifMissing(Path directory, Path installed, String what, String... extraArgs) {
        // Checked under the lock only: while another JVM's npm ci runs, the marker can exist before the rest is written.
        if (!Files.isRegularFile(directory.resolve("package-lock.json"))) {
            throw new IllegalStateException("no package-lock.json in " + directory);
        }
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"),
                "privacysuite-" + directory.getFileName() + "-npm.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (Files.exists(installed)) {
                return installed;
            }
            LOG.info("installing %s with npm ci in %s (first run only)", what, directory);
            boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
            List<String> command = new ArrayList<>(List.of(windows ? "npm.cmd" : "npm", "ci", "--no-audit", "--no-fund"));
            command.addAll(List.of(extraArgs));
            Path log = Files.createTempFile(directory.getFileName() + "-npm", ".log");
            Process npm = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci timed out; output in " + log);
            }
            if (npm.exitValue() != 0 || !Files.exists(installed)) {
                throw new IllegalStateException("npm ci failed (exit " + npm.exitValue() + "): "
                        + Files.readString(log).strip());
            }
            Files.deleteIfExists(log);
            return installed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + what + " (are node and npm on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + what, e);
        }
    }
}
