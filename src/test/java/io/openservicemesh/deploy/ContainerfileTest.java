package io.openservicemesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Containerfile cannot be built by the test suite (no container engine), so what can go stale in it is checked
 * here: the base image is the Open Liberty release the build runs on, every file it copies exists and passes the
 * build context filter, and the WAR it copies is the one the build makes and server.xml deploys.
 */
class ContainerfileTest {

  private static String containerfile;
  private static String pom;

  @BeforeAll
  static void read() throws IOException {
    containerfile = Files.readString(Path.of("Containerfile"));
    pom = Files.readString(Path.of("pom.xml"));
  }

  @Test
  void theBaseImageIsTheKernelSlimOpenLibertyOfTheBuild() {
    String version = firstGroup(pom, "<liberty.runtime.version>([^<]+)</liberty.runtime.version>");
    String release = firstGroup(pom, "<maven.compiler.release>([^<]+)</maven.compiler.release>");

    assertThat(containerfile).contains("FROM icr.io/appcafe/open-liberty:" + version + "-kernel-slim-java" + release
        + "-openj9-ubi\n");
    assertThat(containerfile.indexOf("RUN features.sh")).as("features from server.xml, before the application")
        .isGreaterThan(containerfile.indexOf("liberty-config/server.xml"))
        .isLessThan(containerfile.indexOf(".war"));
    assertThat(containerfile.indexOf("RUN configure.sh")).isGreaterThan(containerfile.indexOf(".war"));
  }

  @Test
  void everyCopiedFileExistsAndIsInTheBuildContext() throws IOException {
    List<String> context = Files.readAllLines(Path.of(".dockerignore")).stream()
        .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
    Matcher copy = Pattern.compile("(?m)^COPY --chown=1001:0 (.+) (\\S+)$").matcher(containerfile);
    int copies = 0;
    while (copy.find()) {
      for (String source : copy.group(1).split(" ")) {
        copies++;
        assertThat(context).as("%s passes .dockerignore", source).contains(source);
        if (!source.startsWith("target/")) {
          assertThat(Path.of(source)).as("copied file").exists();
        }
      }
    }
    assertThat(copies).isEqualTo(4);
  }

  @Test
  void theWarIsTheOneTheBuildMakesAndServerXmlDeploys() throws IOException {
    String finalName = firstGroup(pom, "<finalName>([^<]+)</finalName>");
    String serverXml = Files.readString(Path.of("liberty-config", "server.xml"));

    assertThat(containerfile).contains("COPY --chown=1001:0 target/" + finalName + ".war /config/apps/\n");
    assertThat(serverXml).contains("<webApplication location=\"" + finalName + ".war\"");
    assertThat(Arrays.asList(containerfile.split("\n"))).contains("EXPOSE 9080 9443 9444 15128");
  }

  /**
   * The native crypto provider unpacks its library where the image's property points, before configure.sh's
   * warm-up start uses it, and the chart mounts a writable in-memory volume at that very path (its root file
   * system is read-only).
   */
  @Test
  void theNativeProvidersLibraryDirectoryIsWritableInTheImageAndTheChart() throws IOException {
    String directory = firstGroup(containerfile,
        "(?m)^RUN echo \"-Dcom\\.amazon\\.corretto\\.crypto\\.provider\\.tmpdir=(\\S+)\" >> /config/jvm\\.options$");
    String deployment = Files.readString(Path.of("kubernetes", "osm-controller", "templates", "deployment.yaml"));

    assertThat(containerfile).contains("chown 1001:0 " + directory, "\nVOLUME " + directory + "\n");
    assertThat(containerfile.indexOf("provider.tmpdir=")).isLessThan(containerfile.indexOf("RUN configure.sh"));
    assertThat(deployment).containsPattern("- name: native-libraries\\s+mountPath: " + Pattern.quote(directory) + "\n")
        .containsPattern("- name: native-libraries\\s+emptyDir:\\s+medium: Memory");
  }

  private static String firstGroup(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex).isTrue();
    return matcher.group(1);
  }
}
