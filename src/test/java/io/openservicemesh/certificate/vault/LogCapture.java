package io.openservicemesh.certificate.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures everything the control plane logs through java.util.logging, at every level, as the final
 * text a log file would hold (message, parameters and any exception with its causes).
 */
final class LogCapture extends Handler implements AutoCloseable {

  private static final Logger ROOT = Logger.getLogger("io.openservicemesh");

  private final List<LogRecord> records = new ArrayList<>();
  private final Formatter formatter = new SimpleFormatter();
  private final Level previousLevel;

  private LogCapture() {
    previousLevel = ROOT.getLevel();
    setLevel(Level.ALL);
    ROOT.setLevel(Level.ALL);
    ROOT.addHandler(this);
  }

  static LogCapture start() {
    return new LogCapture();
  }

  @Override
  public synchronized void publish(LogRecord record) {
    records.add(record);
  }

  /** Each record fully formatted, exceptions and causes included. */
  synchronized List<String> formatted() {
    return records.stream().map(formatter::format).toList();
  }

  /** The messages, at any level. */
  synchronized List<String> messages() {
    return records.stream().map(formatter::formatMessage).toList();
  }

  synchronized List<String> messages(Level level) {
    return records.stream().filter(r -> r.getLevel().equals(level)).map(formatter::formatMessage).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    ROOT.removeHandler(this);
    ROOT.setLevel(previousLevel);
  }
}
