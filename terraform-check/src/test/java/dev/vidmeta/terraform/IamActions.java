package dev.vidmeta.terraform;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the AWS SDK v2 calls a function's code makes into the IAM actions they need.
 *
 * <p>The rule is the SDK's own naming: a call of {@code S3Client.getObject} is the S3 operation GetObject, and the
 * IAM service prefix is the client's {@code SERVICE_NAME} constant ("s3", "dynamodb", "states", ...). Paginators
 * ({@code ...Paginator}) and byte-returning variants ({@code ...AsBytes}) are the same operation. A few operations
 * are authorized by a differently named action; those come from the "API operations" table of the Service
 * Authorization Reference and are listed in {@link #AUTHORIZED_BY}. Some request fields require an extra action,
 * recognised by the request builder method the code calls ({@link #REQUIRED_BY_BUILDER_CALL}).
 */
final class IamActions {

    private static final String SERVICES = "software/amazon/awssdk/services/";

    /** Client methods that are not service operations. */
    private static final Set<String> NOT_OPERATIONS = Set.of("create", "builder", "close", "serviceName",
            "serviceClientConfiguration", "utilities", "waiter", "presigner");

    /**
     * Operations whose IAM action has another name.
     * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-api-operations
     */
    private static final Map<String, String> AUTHORIZED_BY = Map.of(
            "s3:HeadObject", "s3:GetObject",
            "s3:HeadBucket", "s3:ListBucket",
            "s3:ListObjects", "s3:ListBucket",
            "s3:ListObjectsV2", "s3:ListBucket",
            "s3:ListObjectVersions", "s3:ListBucketVersions",
            "s3:CreateMultipartUpload", "s3:PutObject",
            "s3:UploadPart", "s3:PutObject",
            "s3:CompleteMultipartUpload", "s3:PutObject");

    /**
     * Request fields that need a further action, by the builder method the code calls ({@code owner.method}):
     * reading a specific version needs s3:GetObjectVersion (list_amazons3.html, GetObject/HeadObject rows).
     */
    private static final Map<String, String> REQUIRED_BY_BUILDER_CALL = Map.of(
            SERVICES + "s3/model/GetObjectRequest$Builder.versionId", "s3:GetObjectVersion",
            SERVICES + "s3/model/HeadObjectRequest$Builder.versionId", "s3:GetObjectVersion",
            SERVICES + "rekognition/model/S3Object$Builder.version", "s3:GetObjectVersion");

    /**
     * The same for every Rekognition {@code Start*Request} builder: Rekognition Video reads the video with the
     * CALLER's permissions (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_S3Object.html), and a notification
     * channel passes its role to Rekognition
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
     */
    private static final Map<String, String> REQUIRED_BY_START_REQUEST = Map.of(
            "video", "s3:GetObject",
            "notificationChannel", "iam:PassRole");

    /**
     * Reads of an object the code makes itself also get s3:ListBucket, so that a missing (deleted) object answers
     * 404 NoSuchKey, not 403 AccessDenied: "If you don't have the s3:ListBucket permission, Amazon S3 returns an
     * HTTP status code 403" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
     * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). Not for Rekognition's reads.
     */
    private static final Map<String, String> HONEST_ERRORS_NEED = Map.of(
            "s3:GetObject", "s3:ListBucket",
            "s3:HeadObject", "s3:ListBucket");

    private IamActions() {
    }

    /** The IAM actions the given external calls need, sorted. */
    static Set<String> of(Iterable<ClassFile.Ref> externalCalls, ClassLoader loader) {
        Set<String> actions = new TreeSet<>();
        for (ClassFile.Ref call : externalCalls) {
            String extra = REQUIRED_BY_BUILDER_CALL.get(call.owner() + "." + call.name());
            if (extra != null) {
                actions.add(extra);
            }
            if (isRekognitionStartRequestBuilder(call.owner())
                    && REQUIRED_BY_START_REQUEST.containsKey(call.name())) {
                actions.add(REQUIRED_BY_START_REQUEST.get(call.name()));
            }
            String action = operation(call, loader);
            if (action != null) {
                actions.add(AUTHORIZED_BY.getOrDefault(action, action));
                if (HONEST_ERRORS_NEED.containsKey(action)) {
                    actions.add(HONEST_ERRORS_NEED.get(action));
                }
            }
        }
        return actions;
    }

    private static boolean isRekognitionStartRequestBuilder(String owner) {
        String model = SERVICES + "rekognition/model/";
        return owner.startsWith(model + "Start") && owner.endsWith("Request$Builder");
    }

    /** {@code prefix:Operation} for a call on a synchronous or asynchronous service client, else null. */
    private static String operation(ClassFile.Ref call, ClassLoader loader) {
        String owner = call.owner();
        String service = owner.startsWith(SERVICES) ? owner.substring(SERVICES.length()) : "";
        // Exactly software/amazon/awssdk/services/<package>/<Name>Client (not a model class, not a builder).
        boolean client = service.endsWith("Client") && service.indexOf('/') > 0
                && service.indexOf('/') == service.lastIndexOf('/');
        if (!client || NOT_OPERATIONS.contains(call.name()) || call.name().startsWith("<")) {
            return null;
        }
        String op = call.name();
        for (String suffix : new String[] {"Paginator", "AsBytes"}) {
            if (op.endsWith(suffix)) {
                op = op.substring(0, op.length() - suffix.length());
            }
        }
        return serviceName(owner, loader) + ":" + Character.toUpperCase(op.charAt(0)) + op.substring(1);
    }

    /** The client interface's SERVICE_NAME constant: the signing name, which is the IAM prefix for these. */
    private static String serviceName(String clientInternalName, ClassLoader loader) {
        try {
            Class<?> client = Class.forName(clientInternalName.replace('/', '.'), false, loader);
            return (String) client.getField("SERVICE_NAME").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no SERVICE_NAME on " + clientInternalName, e);
        }
    }
}
