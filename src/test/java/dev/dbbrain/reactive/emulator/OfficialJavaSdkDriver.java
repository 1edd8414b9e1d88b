package dev.dbbrain.reactive.emulator;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.dbbrain.v20210527.DbbrainClient;
import com.tencentcloudapi.dbbrain.v20210527.models.CreateProxySessionKillTaskRequest;
import com.tencentcloudapi.dbbrain.v20210527.models.DescribeProxySessionKillTasksRequest;
import com.tencentcloudapi.dbbrain.v20210527.models.DescribeProxySessionKillTasksResponse;
import com.tencentcloudapi.dbbrain.v20210527.models.TaskInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Drives the official Java SDK (tencentcloud-sdk-java, unchanged) against the emulator, in a JVM of its own, and
 * prints one line per case: {@code RESULT <tab> case <tab> ok|error <tab> details}, the same lines as the Node
 * driver ({@code src/test/node/drive-official-sdk.cjs}). {@link OfficialSdkConformanceIT} starts it with
 * {@code -Djdk.net.hosts.file} naming a hosts file where only {@code dbbrain.tencentcloudapi.com} (and
 * {@code localhost}) resolve, to 127.0.0.1: every other name fails to resolve in that JVM, so nothing it does can
 * reach the real Tencent Cloud.
 *
 * <p>Arguments: {@code ENDPOINT PROTOCOL CA_FILE|- SECRET_ID SECRET_KEY INSTANCE_ID [scripted]}, where ENDPOINT is
 * {@code dbbrain.tencentcloudapi.com:PORT} (the SDK takes its signing service from the first label) and PROTOCOL
 * {@code http://} or {@code https://}. With {@code scripted}, it runs the cases of a scripted emulator instead
 * ({@link #scripted()}): single calls whose answers the test queued, each printed as the SDK read it.
 */
public final class OfficialJavaSdkDriver {

    private final String endpoint;
    private final String protocol;
    private final Path caFile;
    private final String secretId;
    private final String secretKey;
    private final String instanceId;

    private OfficialJavaSdkDriver(String[] args) {
        this.endpoint = args[0];
        this.protocol = args[1];
        this.caFile = "-".equals(args[2]) ? null : Path.of(args[2]);
        this.secretId = args[3];
        this.secretKey = args[4];
        this.instanceId = args[5];
    }

    public static void main(String[] args) throws Exception {
        OfficialJavaSdkDriver driver = new OfficialJavaSdkDriver(args);
        if (args.length > 6 && "scripted".equals(args[6])) {
            driver.scripted();
            return;
        }
        driver.createAndDescribeToTheEnd("tc3-post", ClientProfile.SIGN_TC3_256, HttpProfile.REQ_POST);
        driver.createAndDescribeToTheEnd("tc3-get", ClientProfile.SIGN_TC3_256, HttpProfile.REQ_GET);
        driver.createAndDescribeToTheEnd("v1-hmacsha256-post", ClientProfile.SIGN_SHA256, HttpProfile.REQ_POST);
        driver.createAndDescribeToTheEnd("v1-hmacsha1-post", ClientProfile.SIGN_SHA1, HttpProfile.REQ_POST);
        driver.createAndDescribeToTheEnd("v1-hmacsha256-get", ClientProfile.SIGN_SHA256, HttpProfile.REQ_GET);
        driver.expectRefusal("tc3-wrong-key", ClientProfile.SIGN_TC3_256, driver.secretId, driver.secretKey + "-wrong");
        driver.expectRefusal("v1-wrong-key", ClientProfile.SIGN_SHA256, driver.secretId, driver.secretKey + "-wrong");
        driver.expectRefusal("unknown-secret-id", ClientProfile.SIGN_TC3_256, "AKIDnobodyknowsthisone",
                driver.secretKey);
    }

    private DbbrainClient client(String signMethod, String reqMethod, String id, String key) throws Exception {
        HttpProfile http = new HttpProfile();
        http.setEndpoint(endpoint);
        http.setProtocol(protocol);
        http.setReqMethod(reqMethod);
        http.setConnTimeout(30);
        http.setReadTimeout(30);
        if (caFile != null) {
            X509TrustManager trust = trusting(caFile);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new X509TrustManager[] {trust}, null);
            http.setSslSocketFactory(tls.getSocketFactory());
            http.setX509TrustManager(trust);
        }
        return new DbbrainClient(new Credential(id, key), "ap-guangzhou", new ClientProfile(signMethod, http));
    }

    /** A trust manager that trusts the certificates of a PEM file and nothing else. */
    private static X509TrustManager trusting(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("emulator-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    private void createAndDescribeToTheEnd(String name, String signMethod, String reqMethod) throws Exception {
        DbbrainClient sdk = client(signMethod, reqMethod, secretId, secretKey);
        try {
            CreateProxySessionKillTaskRequest create = new CreateProxySessionKillTaskRequest();
            create.setInstanceId(instanceId);
            create.setProduct("redis");
            long id = sdk.CreateProxySessionKillTask(create).getAsyncRequestId();
            DescribeProxySessionKillTasksRequest describe = new DescribeProxySessionKillTasksRequest();
            describe.setInstanceId(instanceId);
            describe.setProduct("redis");
            describe.setAsyncRequestIds(new Long[] {id});
            for (int describes = 1; ; describes++) {
                DescribeProxySessionKillTasksResponse described = sdk.DescribeProxySessionKillTasks(describe);
                TaskInfo task = described.getTasks()[0];
                String status = task.getTaskStatus();
                if ("finished".equals(status) || "failed".equals(status) || describes >= 200) {
                    print(name, "ok", "id=" + id + " status=" + status + " describes=" + describes + " total="
                            + described.getTotalCount());
                    return;
                }
                Thread.sleep(100);
            }
        } catch (TencentCloudSDKException e) {
            print(name, "error", e.getErrorCode() + " " + oneLine(e.getMessage()));
        }
    }

    private void expectRefusal(String name, String signMethod, String id, String key) throws Exception {
        try {
            CreateProxySessionKillTaskRequest create = new CreateProxySessionKillTaskRequest();
            create.setInstanceId(instanceId);
            create.setProduct("redis");
            print(name, "ok", "id=" + client(signMethod, HttpProfile.REQ_POST, id, key)
                    .CreateProxySessionKillTask(create).getAsyncRequestId());
        } catch (TencentCloudSDKException e) {
            print(name, "error", e.getErrorCode() + " " + oneLine(e.getMessage()));
        }
    }

    /**
     * Five Describes of task 7 with TC3 POST (the test queues an error, a 502 and three task states for them), a
     * Create with v1 HmacSHA256 POST (a queued ID), then a Describe of task 99 with TC3 GET and one with v1 GET
     * (answered as usual).
     */
    private void scripted() throws Exception {
        DbbrainClient tc3 = client(ClientProfile.SIGN_TC3_256, HttpProfile.REQ_POST, secretId, secretKey);
        describeOnce("scripted-error", tc3, 7);
        describeOnce("scripted-http502", tc3, 7);
        StringBuilder states = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            TaskInfo task = tc3.DescribeProxySessionKillTasks(describeRequest(7)).getTasks()[0];
            states.append(i == 0 ? "" : " ").append(task.getTaskStatus()).append(':').append(task.getProgress())
                    .append(':').append(task.getFinishedProxyList().length);
        }
        print("scripted-sequence", "ok", states.toString());
        try {
            CreateProxySessionKillTaskRequest create = new CreateProxySessionKillTaskRequest();
            create.setInstanceId(instanceId);
            create.setProduct("redis");
            var created = client(ClientProfile.SIGN_SHA256, HttpProfile.REQ_POST, secretId, secretKey)
                    .CreateProxySessionKillTask(create);
            print("scripted-create-v1", "ok", "id=" + created.getAsyncRequestId() + " requestId="
                    + created.getRequestId());
        } catch (TencentCloudSDKException e) {
            print("scripted-create-v1", "error", e.getErrorCode() + " " + oneLine(e.getMessage()));
        }
        describeOnce("recorded-tc3-get", client(ClientProfile.SIGN_TC3_256, HttpProfile.REQ_GET, secretId,
                secretKey), 99);
        describeOnce("recorded-v1-get", client(ClientProfile.SIGN_SHA256, HttpProfile.REQ_GET, secretId,
                secretKey), 99);
    }

    private DescribeProxySessionKillTasksRequest describeRequest(long id) {
        DescribeProxySessionKillTasksRequest describe = new DescribeProxySessionKillTasksRequest();
        describe.setInstanceId(instanceId);
        describe.setProduct("redis");
        describe.setAsyncRequestIds(new Long[] {id});
        return describe;
    }

    /** One Describe: its tasks as status:progress, or its error code, RequestId and message. */
    private void describeOnce(String name, DbbrainClient sdk, long id) {
        try {
            DescribeProxySessionKillTasksResponse described = sdk.DescribeProxySessionKillTasks(describeRequest(id));
            StringBuilder tasks = new StringBuilder("tasks=" + described.getTotalCount());
            for (TaskInfo task : described.getTasks()) {
                tasks.append(' ').append(task.getTaskStatus()).append(':').append(task.getProgress());
            }
            print(name, "ok", tasks.toString());
        } catch (TencentCloudSDKException e) {
            print(name, "error", e.getErrorCode() + " requestId=" + e.getRequestId() + " " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("\\s+", " ");
    }

    private static void print(String name, String outcome, String details) {
        System.out.println("RESULT\t" + name + "\t" + outcome + "\t" + details);
        System.out.flush();
    }
}
