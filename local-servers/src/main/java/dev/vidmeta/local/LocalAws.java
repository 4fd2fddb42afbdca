package dev.vidmeta.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import javax.net.ssl.SSLException;
import org.apache.http.HttpHost;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The fixed identity of the local runtime: one account, one region, one key pair.
 *
 * <p>The key pair is not a secret. The local services take any non-empty key pair, as LocalStack and moto do,
 * but only in a Signature Version 4-signed request ({@link dev.vidmeta.local.http.LocalRequestGuard}); this one
 * is what the runtime's own clients and functions use, and what {@code vidmeta local up} prints. The local
 * DynamoDB (dynalite behind {@code local-servers/dynalite/server.js}) applies the same rules in Node.
 */
public final class LocalAws {

    public static final String ACCOUNT_ID = "000000000000";
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY_ID = "vidmetalocal";
    public static final String SECRET_ACCESS_KEY = "vidmeta-local-secret";

    private LocalAws() {
    }

    public static Region region() {
        return Region.of(REGION);
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    /** {@code arn:aws:<service>:<region>:<account>:<resource>}. */
    public static String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + REGION + ":" + ACCOUNT_ID + ":" + resource;
    }

    /** {@code arn:aws:iam::<account>:role/<name>}: IAM is global, so its ARNs have no region. */
    public static String roleArn(String name) {
        return "arn:aws:iam::" + ACCOUNT_ID + ":role/" + name;
    }

    /**
     * Builds an SDK client aimed at a local endpoint with the local identity, e.g.
     * {@code LocalAws.client(DynamoDbClient.builder(), endpoint)}. For S3 pass a builder with
     * {@code forcePathStyle(true)}: the local S3 has no per-bucket host names.
     *
     * <p>The Apache client, not the URL-connection one: HttpURLConnection reuses a kept-alive connection the
     * server has already closed and fails a PutObject with "Unexpected end of file from server"; the SDK's
     * retry then stores the object twice, which S3 reports as two Object Created events.
     *
     * <p>Without TLS: every local endpoint is plain HTTP, and the Apache client otherwise builds a TLS context
     * for https (the JDK's trust store read and parsed, and a host name verifier), about 70 ms of CPU at the first
     * client of every start of the local runtime. An https endpoint fails, with the reason.
     */
    public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(region())
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder().socketFactory(NoTls.INSTANCE))
                .build();
    }

    /** The socket factory for https: none, as no local endpoint speaks TLS. */
    private enum NoTls implements ConnectionSocketFactory {
        INSTANCE;

        @Override
        public Socket createSocket(HttpContext context) throws IOException {
            throw refusal();
        }

        @Override
        public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
                InetSocketAddress localAddress, HttpContext context) throws IOException {
            throw refusal();
        }

        private static SSLException refusal() {
            return new SSLException("the local runtime's endpoints are plain HTTP; this client has no TLS");
        }
    }
}
