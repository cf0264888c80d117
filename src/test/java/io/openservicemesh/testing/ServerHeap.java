package io.openservicemesh.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The benchmark server's heap as the JDK's own tool reports it: {@code jcmd <pid> GC.run}, then the used heap. */
public final class ServerHeap {

  // G1: " garbage-first heap   total 1048576K, used 123456K [...]"
  private static final Pattern USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private ServerHeap() {}

  /** Bytes in use after a full collection. */
  public static long usedAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher used = USED.matcher(info);
    if (!used.find()) {
      throw new IllegalStateException("cannot read the used heap from jcmd GC.heap_info:\n" + info);
    }
    return Long.parseLong(used.group(1)) * 1024;
  }

  public static String jcmd(long pid, String command) throws Exception {
    Process process = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + output);
    }
    return output;
  }
}
