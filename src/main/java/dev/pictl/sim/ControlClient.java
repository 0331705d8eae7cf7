package dev.pictl.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Java side of the control protocol (see {@link ControlServer}). */
final class ControlClient {
    private ControlClient() {}

    static ExecResult call(int port, String key, List<String> args, byte[] stdin, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder("node -\nuid 0\n");
            if (key != null) req.append("key ").append(key).append('\n');
            for (String a : args) req.append("arg ").append(b64(a.getBytes(StandardCharsets.UTF_8))).append('\n');
            if (stdin != null) req.append("stdin ").append(b64(stdin)).append('\n');
            req.append("end\n");
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder o = new StringBuilder(), e = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                int sp = line.indexOf(' ');
                String kind = sp < 0 ? line : line.substring(0, sp);
                String data = sp < 0 ? "" : line.substring(sp + 1);
                switch (kind) {
                    case "out" -> o.append(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
                    case "err" -> e.append(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
                    case "exit" -> { return new ExecResult(Integer.parseInt(data.trim()), o.toString(), e.toString()); }
                    default -> { }
                }
            }
            throw new IOException("the simulator closed the connection without an answer");
        }
    }

    private static String b64(byte[] b) { return Base64.getEncoder().encodeToString(b); }
}
