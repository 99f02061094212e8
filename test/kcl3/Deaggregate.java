// Runs the real KCL's deaggregator (software.amazon.kinesis.retrieval.AggregatorUtil) on records
// read from standard input, one base64 data blob per line, and prints what the KCL hands a record
// processor for each, one JSON line per input: {"raw":true} when the record passes through as it
// came, {"records":[{"p":key,"e":hashKeyOrNull,"d":base64,"s":subSequence}, ...]}, or
// {"error":className} when the deaggregator itself throws. A line may give after its data the
// starting and ending hash keys of the shard the record was read from: it is then read as the KCL
// reads that shard's records, an aggregate one of whose user records hashes outside the range
// dropped whole ({"records":[]}).
// Started as a single-file program: java -cp 'target/lib/*' Deaggregate.java
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

public class Deaggregate {
  public static void main(String[] args) throws Exception {
    AggregatorUtil util = new AggregatorUtil();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] fields = line.trim().split(" ");
      KinesisClientRecord parent = KinesisClientRecord.builder()
          .data(ByteBuffer.wrap(Base64.getDecoder().decode(fields[0])))
          .partitionKey("outer")
          .sequenceNumber("1")
          .approximateArrivalTimestamp(Instant.EPOCH)
          .build();
      List<KinesisClientRecord> result;
      try {
        result = fields.length == 3
            ? util.deaggregate(List.of(parent), fields[1], fields[2])
            : util.deaggregate(List.of(parent));
      } catch (Throwable error) {
        out.append("{\"error\":").append(quote(error.getClass().getName())).append("}\n");
        continue;
      }
      if (result.size() == 1 && result.get(0) == parent) {
        out.append("{\"raw\":true}\n");
        continue;
      }
      out.append("{\"records\":[");
      for (int i = 0; i < result.size(); i++) {
        KinesisClientRecord record = result.get(i);
        ByteBuffer data = record.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        if (i > 0) out.append(',');
        out.append("{\"p\":").append(quote(record.partitionKey()))
            .append(",\"e\":").append(record.explicitHashKey() == null ? "null" : quote(record.explicitHashKey()))
            .append(",\"d\":\"").append(Base64.getEncoder().encodeToString(bytes))
            .append("\",\"s\":").append(record.subSequenceNumber()).append('}');
      }
      out.append("]}\n");
    }
    System.out.print(out);
    System.out.flush();
  }

  /** A JSON string: every character outside printable ASCII escaped, so nothing is lost. */
  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') quoted.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) quoted.append(String.format("\\u%04x", (int) c));
      else quoted.append(c);
    }
    return quoted.append('"').toString();
  }
}
