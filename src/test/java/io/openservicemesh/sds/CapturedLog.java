package io.openservicemesh.sds;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the sds package logs during a test, and keeps it off the console (refusals are logged as
 * warnings, and the tests provoke many). Close it to restore the logger.
 */
final class CapturedLog implements AutoCloseable {

  // A strong reference: java.util.logging holds loggers weakly, and a collected logger loses its handler.
  private final Logger logger = Logger.getLogger("io.openservicemesh.sds");
  private final List<LogRecord> records = new ArrayList<>();
  private final boolean usedParentHandlers = logger.getUseParentHandlers();
  private final Handler handler = new Handler() {
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

  CapturedLog() {
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
    logger.setUseParentHandlers(false);
  }

  /** The messages logged at WARNING or above, in order. */
  List<String> warnings() {
    synchronized (records) {
      return records.stream()
          .filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
          .map(LogRecord::getMessage)
          .toList();
    }
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setUseParentHandlers(usedParentHandlers);
  }
}
