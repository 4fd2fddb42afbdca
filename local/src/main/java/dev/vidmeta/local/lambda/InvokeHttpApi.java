package dev.vidmeta.local.lambda;

import static dev.vidmeta.local.lambda.JavaRuntime.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpRequest;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpResponse;
import dev.vidmeta.local.lambda.LambdaInvoker.Invocation;
import dev.vidmeta.local.lambda.LambdaInvoker.LambdaServiceException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's Invoke over HTTP (REST-JSON, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), behind
 * {@link LocalLambda#endpoint()}: {@code POST /2015-03-31/functions/NAME/invocations}, RequestResponse, Event
 * or DryRun, so an SDK {@code LambdaClient} reaches the deployed functions.
 */
final class InvokeHttpApi {

    private static final Pattern INVOKE_PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

    private final LocalLambda lambda;

    InvokeHttpApi(LocalLambda lambda) {
        this.lambda = lambda;
    }

    HttpResponse handle(HttpRequest request) {
        Matcher m = INVOKE_PATH.matcher(request.path());
        // SigV4-signed with any key pair, and never from a web page (LocalRequestGuard).
        LocalRequestGuard.Refusal refusal = LocalRequestGuard.checkAwsRequest(request.method(), request.query(),
                request::header, Presigning.NOT_ACCEPTED);
        if (refusal != null) {
            return restError(refusal.status(), refusal.code(), refusal.message());
        }
        if (!"POST".equals(request.method()) || !m.matches()) {
            return restError(404, "ResourceNotFoundException", "No Lambda operation at " + request.path());
        }
        String name = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        String qualifier = request.query() == null ? null : Arrays.stream(request.query().split("&"))
                .filter(p -> p.startsWith("Qualifier=")).map(p -> URLDecoder.decode(p.substring(10),
                        StandardCharsets.UTF_8)).findFirst().orElse(null);
        if (qualifier != null && !name.startsWith("arn:")) {
            name = name + ":" + qualifier;
        }
        String type = request.header("X-Amz-Invocation-Type") == null ? "RequestResponse"
                : request.header("X-Amz-Invocation-Type");
        String payload = request.body() == null || request.body().isEmpty() ? "{}" : request.body();
        try {
            return switch (type) {
                case "Event" -> {
                    lambda.invokeAsync(name, payload);
                    yield new HttpResponse(202, "application/json", "");
                }
                case "DryRun" -> {
                    if (!lambda.isDeployed(name)) {
                        throw new LambdaServiceException("Lambda.ResourceNotFoundException",
                                "Function not found: " + LocalLambda.arnOf(LocalLambda.baseName(name)));
                    }
                    yield new HttpResponse(204, "application/json", "");
                }
                case "RequestResponse" -> {
                    Invocation result = lambda.invoke(name, payload);
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("X-Amz-Executed-Version", "$LATEST");
                    if (result.failed()) {
                        headers.put("X-Amz-Function-Error", result.functionError());
                    }
                    yield new HttpResponse(200, "application/json", result.payloadJson(), headers);
                }
                default -> restError(400, "InvalidParameterValueException", "InvocationType " + type);
            };
        } catch (LambdaServiceException e) {
            String code = e.errorName().replace("Lambda.", "");
            int status = switch (code) {
                case "ResourceNotFoundException" -> 404;
                case "TooManyRequestsException" -> 429;
                case "RequestTooLargeException" -> 413;
                case "ServiceException" -> 500;
                default -> 400;
            };
            return restError(status, code, e.getMessage());
        }
    }

    private static HttpResponse restError(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Type", status >= 500 ? "Service" : "User");
        body.put("message", message);
        return new HttpResponse(status, "application/json", body.toString(), Map.of("x-amzn-ErrorType", code));
    }
}
