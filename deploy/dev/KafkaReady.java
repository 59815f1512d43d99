// KafkaReady waits until the dev broker started by deploy/dev/kafka serves
// real requests on both of its client listeners, then reports what the script
// needs to know on stdout, one key=value per line.
//
// An open port is not enough: a KRaft broker accepts connections before it
// has caught up with the metadata log and been unfenced, and until then
// topic creation fails. So readiness here means, on PLAINTEXT,
//   1. DescribeCluster lists node 1,
//   2. a validate-only CreateTopics with replication factor 1 succeeds (the
//      controller only accepts it once the broker is unfenced), and
//   3. DescribeConfigs for broker 1 answers,
// and on SASL_SSL a SCRAM-SHA-512 login answers DescribeCluster.
// Every step is retried until the deadline.
//
// The TLS check trusts only the dev CA, unless a test has installed its own
// certificate through dynamic broker config (it persists across restarts).
// Then the probe accepts whatever certificate the listener presents, since
// the point is that the listener and SCRAM work, and reports
// sasl_ssl.certificate=dynamic so the script can say so.
//
// The script compiles this file once per Kafka version into the jar cache;
// it is not part of the Go module.
//
// Usage (the password comes from the environment so that it does not show
// up in ps):
//   KAFKA_READY_PASSWORD=... java -cp "$KAFKA_HOME/libs/*:<classes>" KafkaReady \
//     <plaintext host:port> <sasl_ssl host:port> <ca.pem> <user> <timeout ms> <broker pid>
//
// Exit status: 0 ready, 1 deadline passed, 2 usage, 3 broker process exited.

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.security.auth.SslEngineFactory;

public final class KafkaReady {
    private static final String BROKER_ID = "1";
    // Never created: validateOnly stops the controller before it writes.
    private static final String PROBE_TOPIC = "__oktadetect_ready_probe";
    private static final String KEYSTORE_PREFIX = "listener.name.sasl_ssl.ssl.keystore.";

    public static void main(String[] args) throws Exception {
        String password = System.getenv("KAFKA_READY_PASSWORD");
        if (args.length != 6 || password == null) {
            System.err.println("usage: KAFKA_READY_PASSWORD=... KafkaReady <plaintext> <sasl_ssl> <ca.pem> <user> <timeout-ms> <pid>");
            System.exit(2);
        }
        String plaintext = args[0];
        String saslSsl = args[1];
        String caPem = Files.readString(Path.of(args[2]));
        String user = args[3];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[4]));
        Optional<ProcessHandle> broker = ProcessHandle.of(Long.parseLong(args[5]));

        Properties sasl = common(saslSsl);
        sasl.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        sasl.put("sasl.mechanism", "SCRAM-SHA-512");
        sasl.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        Properties devCa = new Properties();
        devCa.putAll(sasl);
        devCa.put("ssl.truststore.type", "PEM");
        devCa.put("ssl.truststore.certificates", caPem);
        Properties anyCert = new Properties();
        anyCert.putAll(sasl);
        anyCert.put("ssl.engine.factory.class", AnyCertificate.class);

        Exception last = null;
        // The SASL_SSL clients are made on first use: a client that trusts
        // the wrong certificate would only fill the broker log with failed
        // handshakes.
        Admin withDevCa = null;
        Admin withAnyCert = null;
        try (Admin p = Admin.create(common(plaintext))) {
            while (true) {
                if (broker.isEmpty() || !broker.get().isAlive()) {
                    System.err.println("broker process exited");
                    System.exit(3);
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                long step = Math.min(left, 5_000);
                try {
                    Config config = probePlaintext(p, step);
                    boolean dynamicCert = hasDynamicKeystore(config);
                    Admin s;
                    if (dynamicCert) {
                        s = withAnyCert = withAnyCert != null ? withAnyCert : Admin.create(anyCert);
                    } else {
                        s = withDevCa = withDevCa != null ? withDevCa : Admin.create(devCa);
                    }
                    s.describeCluster().nodes().get(step, TimeUnit.MILLISECONDS);
                    System.out.println("message.max.bytes=" + config.get("message.max.bytes").value());
                    System.out.println("sasl_ssl.certificate=" + (dynamicCert ? "dynamic" : "dev-ca"));
                    return;
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(Math.min(200, Math.max(1, left)));
            }
        } finally {
            if (withDevCa != null) {
                withDevCa.close();
            }
            if (withAnyCert != null) {
                withAnyCert.close();
            }
        }
        System.err.println("broker not ready: " + describe(last));
        System.exit(1);
    }

    private static Properties common(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "oktadetect-dev-ready");
        // Short backoffs: the broker comes up within seconds and every
        // retry here is cheap.
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "250");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return p;
    }

    // probePlaintext runs the PLAINTEXT checks and returns broker 1's config.
    private static Config probePlaintext(Admin admin, long timeoutMs) throws Exception {
        List<Node> nodes = List.copyOf(admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS));
        if (nodes.stream().noneMatch(n -> n.idString().equals(BROKER_ID))) {
            throw new IllegalStateException("node " + BROKER_ID + " not in cluster metadata yet: " + nodes);
        }

        admin.createTopics(List.of(new NewTopic(PROBE_TOPIC, 1, (short) 1)),
                new CreateTopicsOptions().validateOnly(true).timeoutMs((int) timeoutMs))
                .all().get(timeoutMs, TimeUnit.MILLISECONDS);

        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, BROKER_ID);
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all()
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        Config config = configs.get(resource);
        ConfigEntry max = config == null ? null : config.get("message.max.bytes");
        if (max == null || max.value() == null) {
            throw new IllegalStateException("broker did not report message.max.bytes");
        }
        return config;
    }

    private static boolean hasDynamicKeystore(Config config) {
        return config.entries().stream().anyMatch(e -> e.name().startsWith(KEYSTORE_PREFIX)
                && (e.source() == ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG
                        || e.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "deadline passed before the first attempt";
        }
        // ExecutionException wraps the broker's answer; its cause is the
        // part worth printing.
        while (t instanceof ExecutionException && t.getCause() != null) {
            t = t.getCause();
        }
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null ? name : name + ": " + t.getMessage();
    }

    /**
     * A client-only SSL engine factory that accepts any server certificate.
     * Used only when a test has replaced the listener's certificate, to check
     * that the listener and SCRAM still work; never for data.
     */
    public static final class AnyCertificate implements SslEngineFactory {
        private SSLContext context;

        public AnyCertificate() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
            try {
                context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAll()}, null);
            } catch (GeneralSecurityException e) {
                throw new KafkaException("cannot build the TLS context", e);
            }
        }

        @Override
        public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
            SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
            engine.setUseClientMode(true);
            return engine;
        }

        @Override
        public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
            throw new UnsupportedOperationException("client only");
        }

        @Override
        public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
            return false;
        }

        @Override
        public Set<String> reconfigurableConfigs() {
            return Set.of();
        }

        @Override
        public KeyStore keystore() {
            return null;
        }

        @Override
        public KeyStore truststore() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private KafkaReady() {
    }
}
