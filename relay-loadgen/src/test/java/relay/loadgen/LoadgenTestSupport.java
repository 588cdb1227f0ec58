package relay.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs a loadgen command line in-process and keeps what it printed. */
final class LoadgenTestSupport {
    record Result(int exitCode, String stdout, String stderr) {}

    private LoadgenTestSupport() {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        synchronized (LoadgenTestSupport.class) {
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                code = new CommandLine(new LoadgenMain()).execute(args);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        oldOut.print(stdout);
        oldErr.print(stderr);
        return new Result(code, stdout, stderr);
    }
}
