package io.openservicemesh.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Records what a logger and the loggers below it log through java.util.logging while a test runs, so the
 * test can assert on it: messages operators read, warnings a refusal must raise, secrets that must never
 * appear.
 *
 * <p>Everything is captured, at every level (FINE included: a secret must not leak there either), and kept
 * off the console (tests provoke many warnings on purpose). {@link #close} restores the logger's level and
 * its parent handlers.
 */
public final class LogCapture implements AutoCloseable {

  /** The control plane's top logger: every package of it. */
  private static final String CONTROL_PLANE = "io.openservicemesh";

  // A strong reference: java.util.logging holds loggers weakly, and a collected logger loses its handler.
  private final Logger logger;
  private final Level previousLevel;
  private final boolean usedParentHandlers;
  private final List<LogRecord> records = new ArrayList<>();
  private final Formatter formatter = new SimpleFormatter();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (records) {
            records.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private LogCapture(String loggerName) {
    logger = Logger.getLogger(loggerName);
    previousLevel = logger.getLevel();
    usedParentHandlers = logger.getUseParentHandlers();
    handler.setLevel(Level.ALL);
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
    logger.setUseParentHandlers(false);
  }

  /** Captures the logger of that name and those below it, such as a package's. */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** Captures the logger named after the class, as the class's own {@code Logger.getLogger} call names it. */
  public static LogCapture of(Class<?> type) {
    return of(type.getName());
  }

  /** Captures the whole control plane. */
  public static LogCapture controlPlane() {
    return of(CONTROL_PLANE);
  }

  /** The records, in the order they were logged. */
  public List<LogRecord> records() {
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  /** The messages, at any level, with their parameters filled in. */
  public List<String> messages() {
    return messages(record -> true);
  }

  /** The messages logged at exactly this level. */
  public List<String> messages(Level level) {
    return messages(record -> record.getLevel().equals(level));
  }

  /** The messages logged at WARNING or above (SEVERE too). */
  public List<String> warnings() {
    return messages(record -> record.getLevel().intValue() >= Level.WARNING.intValue());
  }

  /**
   * Each record as a log file would hold it: time, source, level, message, and any exception with its
   * causes and stack.
   */
  public List<String> formatted() {
    return records().stream().map(formatter::format).toList();
  }

  /** Forgets what was captured so far, for a test that asserts on what a later step logs. */
  public void clear() {
    synchronized (records) {
      records.clear();
    }
  }

  private List<String> messages(Predicate<LogRecord> which) {
    return records().stream().filter(which).map(formatter::formatMessage).toList();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setUseParentHandlers(usedParentHandlers);
    logger.setLevel(previousLevel);
  }
}
