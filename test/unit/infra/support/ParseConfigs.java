// Reads each file as Kafka (server.properties) or ZooKeeper (zoo.cfg) reads
// it at start-up, and prints what each parsed, as JSON: the check behind
// test/unit/infra/plan.property.test.ts. Arguments: kind file myid, repeated.
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.utils.Utils;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

public class ParseConfigs {
  public static void main(String[] args) throws Exception {
    List<Map<String, Object>> results = new ArrayList<>();
    for (int i = 0; i + 2 < args.length; i += 3) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("file", args[i + 1]);
      try {
        Properties props = Utils.loadProps(args[i + 1]);
        r.put("properties", props);
        if (args[i].equals("kafka")) {
          KafkaConfig config = KafkaConfig.fromProps(props, false);
          r.put("brokerId", config.brokerId());
          r.put("logDirs", scala.jdk.javaapi.CollectionConverters.asJava(config.logDirs()));
          r.put("zookeeperConnect", config.zkConnect());
        } else {
          // An ensemble member reads its myid from dataDir: give it one, in a directory of its own.
          // Removed again afterwards: a test run leaves nothing behind.
          Path dir = Files.createTempDirectory("zookeeper-config-check");
          try {
            Files.writeString(dir.resolve("myid"), args[i + 2]);
            Properties checked = new Properties();
            checked.putAll(props);
            checked.setProperty("dataDir", dir.toString());
            QuorumPeerConfig config = new QuorumPeerConfig();
            config.parseProperties(checked);
            r.put("clientPort", config.getClientPortAddress().getPort());
            r.put("servers", config.getServers().size());
          } finally {
            try (var files = Files.walk(dir)) {
              files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
          }
        }
      } catch (Exception e) {
        r.put("error", e.toString());
      }
      results.add(r);
    }
    System.out.println(new ObjectMapper().writeValueAsString(results));
  }
}
