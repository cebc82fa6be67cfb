package io.privacysuite.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line tool the build needs (cfn-lint, the Python that carries the SAM translator). A missing tool
 * fails the test with what to install: these checks are part of the build, never skipped.
 */
final class ExternalTool {
    static final String INSTALL = "install it with: pip install cfn-lint==1.51.0 aws-sam-translator==1.110.0 "
            + "(.ci/run does this on a fresh machine)";

    record Result(int exitCode, String stdout, String stderr) {}

    private ExternalTool() {}

    static Result run(Path workingDirectory, String stdin, List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is not installed or not on the PATH (" + e.getMessage()
                    + "); " + INSTALL, e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The tool exited without reading its input; its exit code and stderr say why.
        }
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
