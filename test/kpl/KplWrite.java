// Writes user records with the real KPL (com.amazonaws:amazon-kinesis-producer, its native binary
// included) to a Kinesis endpoint on loopback, and prints what the KPL reported for each.
//
//   java -cp 'target/lib/*' KplWrite.java probe NATIVE_BINARY
//     copies the jar's native binary for this machine to NATIVE_BINARY and runs it without
//     arguments (it prints its usage and touches no network): prints "ok", or why it cannot run.
//   java -cp 'target/lib/*' KplWrite.java write NATIVE_BINARY STREAM KINESIS_PORT STS_PORT
//     reads user records from standard input, one a line, "partitionKey explicitHashKey data"
//     each in base64 (an empty explicit hash key is "-"), puts them in that order, and prints one
//     line each in the same order: "ok SHARD_ID SEQUENCE_NUMBER" or "failed ERROR_CODE". The KPL
//     sends every user record alone until it has learnt the stream's shards: the first record is
//     put, and the others once its log says it has the shard map, so that they are aggregated.
//
// The KPL is given 127.0.0.1 for Kinesis, STS and CloudWatch, a region, static credentials and
// no metrics, and this program refuses to start it unless AWS_EC2_METADATA_DISABLED=true: without
// a region or with that variable unset its binary asks the instance-metadata address.
// The KPL's own log (the binary's included) goes to standard error.
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesis.producer.Attempt;
import com.amazonaws.services.kinesis.producer.KinesisProducer;
import com.amazonaws.services.kinesis.producer.KinesisProducerConfiguration;
import com.amazonaws.services.kinesis.producer.UserRecordFailedException;
import com.amazonaws.services.kinesis.producer.UserRecordResult;
import com.google.common.util.concurrent.ListenableFuture;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

public class KplWrite {
  private static final String LOOPBACK = "127.0.0.1";
  /** Records the KPL may hold before a put waits: bounds its memory on large inputs. */
  private static final int MAX_OUTSTANDING = 50_000;

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("probe")) {
      probe(new File(args[1]));
    } else if (args.length == 5 && args[0].equals("write")) {
      write(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    } else {
      System.err.println("usage: KplWrite probe NATIVE_BINARY | write NATIVE_BINARY STREAM KINESIS_PORT STS_PORT");
      System.exit(2);
    }
  }

  /** The jar's binary for this machine, as the KPL itself picks it, run once without arguments. */
  private static void probe(File binary) throws Exception {
    String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
    String os = System.getProperty("os.name").toLowerCase();
    String resource = "amazon-kinesis-producer-native-binaries/"
        + (os.contains("linux") ? "linux-" + arch : os.contains("mac") ? "osx" : os) + "/kinesis_producer";
    try (InputStream in = KinesisProducer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        System.out.println("the KPL jar has no native binary for " + os + " " + arch);
        return;
      }
      binary.getParentFile().mkdirs();
      Files.copy(in, binary.toPath(), StandardCopyOption.REPLACE_EXISTING);
    }
    binary.setExecutable(true);
    Process process = new ProcessBuilder(binary.getAbsolutePath()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    // Without arguments it prints its usage: that it got so far means it loads and runs here.
    System.out.println(output.contains("Usage") ? "ok"
        : "its native binary does not run here (exit " + process.exitValue() + "): " + output.trim());
  }

  private static void write(String binary, String stream, int kinesisPort, int stsPort) throws Exception {
    if (!"true".equals(System.getenv("AWS_EC2_METADATA_DISABLED"))) {
      throw new IllegalStateException("AWS_EC2_METADATA_DISABLED=true is required before the KPL starts");
    }
    KinesisProducerConfiguration config = new KinesisProducerConfiguration()
        .setNativeExecutable(binary)
        .setRegion("us-east-1")
        .setCredentialsProvider(new AWSStaticCredentialsProvider(new BasicAWSCredentials("local", "local")))
        .setKinesisEndpoint(LOOPBACK)
        .setKinesisPort(kinesisPort)
        .setStsEndpoint(LOOPBACK)
        .setStsPort(stsPort)
        // Metrics are off; CloudWatch still gets a client, so it gets a loopback endpoint too.
        .setCloudwatchEndpoint(LOOPBACK)
        .setCloudwatchPort(stsPort)
        .setMetricsLevel("none")
        .setVerifyCertificate(false)
        .setLogLevel("info");
    // The KPL logs through slf4j-simple, which writes to whatever System.err is at the time.
    CountDownLatch shardMap = new CountDownLatch(1);
    System.setErr(new PrintStream(new Watch(System.err, "Successfully updated shard map", shardMap), true, StandardCharsets.UTF_8));
    KinesisProducer producer = new KinesisProducer(config);
    List<ListenableFuture<UserRecordResult>> results = new ArrayList<>();
    Base64.Decoder base64 = Base64.getDecoder();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isEmpty()) continue;
      String[] fields = line.split(" ", -1);
      String partitionKey = new String(base64.decode(fields[0]), StandardCharsets.UTF_8);
      String explicitHashKey = fields[1].equals("-") ? null : new String(base64.decode(fields[1]), StandardCharsets.UTF_8);
      while (producer.getOutstandingRecordsCount() > MAX_OUTSTANDING) Thread.sleep(1);
      results.add(producer.addUserRecord(stream, partitionKey, explicitHashKey, ByteBuffer.wrap(base64.decode(fields[2]))));
      if (results.size() == 1 && !shardMap.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("The KPL learnt no shard map within 60 s");
      }
    }
    producer.flushSync();
    StringBuilder out = new StringBuilder();
    int failed = 0;
    for (ListenableFuture<UserRecordResult> result : results) {
      try {
        UserRecordResult written = result.get();
        out.append("ok ").append(written.getShardId()).append(' ').append(written.getSequenceNumber()).append('\n');
      } catch (ExecutionException error) {
        failed++;
        out.append("failed ").append(lastErrorCode(error.getCause())).append('\n');
      }
    }
    producer.destroy();
    System.out.print(out);
    System.out.flush();
    System.exit(failed == 0 ? 0 : 1);
  }

  private static String lastErrorCode(Throwable error) {
    if (!(error instanceof UserRecordFailedException)) return error.getClass().getName();
    List<Attempt> attempts = ((UserRecordFailedException) error).getResult().getAttempts();
    return attempts.isEmpty() ? "no-attempt" : attempts.get(attempts.size() - 1).getErrorCode();
  }

  /** Passes everything on to `target`, and counts `seen` down once a line holds `text`. */
  private static final class Watch extends OutputStream {
    private final PrintStream target;
    private final String text;
    private final CountDownLatch seen;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Watch(PrintStream target, String text, CountDownLatch seen) {
      this.target = target;
      this.text = text;
      this.seen = seen;
    }

    @Override
    public synchronized void write(int b) {
      target.write(b);
      if (b != '\n') {
        line.write(b);
        return;
      }
      if (line.toString(StandardCharsets.UTF_8).contains(text)) seen.countDown();
      line.reset();
    }

    @Override
    public void flush() {
      target.flush();
    }
  }
}
