package io.openservicemesh.sds;

import io.openservicemesh.certificate.WaitingList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Judges streams' uptake of one piece of material, one stream at a time: each stream's lock is taken only to
 * read its uptake, and the judging (string comparison, or a memoized chain check) happens outside it.
 */
final class DeliveryEvidence {

  private DeliveryEvidence() {}

  /**
   * @param uptakeOf what a stream's client has ACKed of the material (empty: the stream does not want it)
   * @param holds whether ACKed material is what is wanted
   * @param wanted the material in words, for the answer ("the trust bundle")
   * @return the streams whose client does not hold it, as a short list; empty when every one does
   */
  static List<String> shortfalls(Iterable<SdsStream<?>> streams, Function<SdsStream<?>, List<Uptake>> uptakeOf,
      Predicate<String> holds, String wanted) {
    WaitingList answer = new WaitingList("SDS streams");
    for (SdsStream<?> stream : streams) {
      for (Uptake uptake : uptakeOf.apply(stream)) {
        if (!holds.test(uptake.acked())) {
          answer.add(() -> "SDS stream of proxy " + stream.proxy().commonName() + " " + uptake.shortfall(wanted));
          break;
        }
      }
    }
    return answer.lines();
  }
}
