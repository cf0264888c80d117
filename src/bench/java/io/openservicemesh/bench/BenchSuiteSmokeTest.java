package io.openservicemesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmark suite, run by every build with tiny counts so that it cannot rot: the JMH benchmarks in this
 * JVM (no fork, no warm-up, one short iteration of one case each) and the CPU-time issuance rate. It asserts that
 * each produced a figure, never how fast: speed is for bench/run.sh and docs/benchmarks.md.
 */
class BenchSuiteSmokeTest {

  @Test
  void theJmhBenchmarksRunAndMeasure() throws Exception {
    Options options = new OptionsBuilder()
        .include(IssuanceBenchmark.class.getName())
        .include(CacheHitBenchmark.class.getName())
        .param("root", "EC").param("leaf", "EC").param("provider", "bouncycastle")
        .forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
        .threads(1).shouldFailOnError(true).verbosity(VerboseMode.SILENT).build();

    Collection<RunResult> results = new Runner(options).run();

    assertThat(results).hasSize(2)
        .allSatisfy(result -> assertThat(result.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void theCpuTimeIssuanceRateRunsForEachProviderAndThreadCount() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      IssuanceCpuRate.main(new String[] {"0.05", "ec"});
    } finally {
      System.setOut(original);
    }

    assertThat(printed.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("CPU"))).hasSize(4);
  }
}
