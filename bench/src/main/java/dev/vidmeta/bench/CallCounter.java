package dev.vidmeta.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Counts the AWS calls the pipeline's functions make, by service and operation: an SDK global interceptor
 * (listed in {@code software/amazon/awssdk/global/handlers/execution.interceptors}, which the SDK loads for every
 * client it builds). Only calls made while {@link #FUNCTION} names a function count, so the runtime's own clients
 * (the local Rekognition reading the video, EventBridge starting executions) do not. DynamoDB calls ask for their
 * consumed capacity, the unit on-demand tables are billed in.
 */
public final class CallCounter implements ExecutionInterceptor {

    /** The function whose handler runs on this thread, or null. */
    static final ThreadLocal<String> FUNCTION = new ThreadLocal<>();

    private static final Map<String, AtomicLong> CALLS = new ConcurrentHashMap<>();
    private static final DoubleAdder WRITE_UNITS = new DoubleAdder();
    private static final DoubleAdder READ_UNITS = new DoubleAdder();
    private static final AtomicLong DYNAMODB_WITHOUT_CAPACITY = new AtomicLong();
    /** When each Rekognition Start* call returned (epoch ms): a job's start. */
    private static final java.util.Queue<Long> JOB_STARTS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (FUNCTION.get() == null) {
            return context.request();
        }
        SdkRequest r = context.request();
        if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof UpdateItemRequest u) {
            return u.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof DeleteItemRequest d) {
            return d.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        } else if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        count(attributes);
        if (FUNCTION.get() != null && "Rekognition".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))
                && attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME).startsWith("Start")) {
            JOB_STARTS.add(System.currentTimeMillis());
        }
        Object response = context.response();
        ConsumedCapacity capacity = null;
        boolean write = false;
        if (response instanceof PutItemResponse p) {
            capacity = p.consumedCapacity();
            write = true;
        } else if (response instanceof UpdateItemResponse u) {
            capacity = u.consumedCapacity();
            write = true;
        } else if (response instanceof DeleteItemResponse d) {
            capacity = d.consumedCapacity();
            write = true;
        } else if (response instanceof GetItemResponse g) {
            capacity = g.consumedCapacity();
        } else if (response instanceof QueryResponse q) {
            capacity = q.consumedCapacity();
        } else {
            return;
        }
        if (FUNCTION.get() == null) {
            return;
        }
        if (capacity == null || capacity.capacityUnits() == null) {
            DYNAMODB_WITHOUT_CAPACITY.incrementAndGet();
            (write ? WRITE_UNITS : READ_UNITS).add(1);
        } else {
            (write ? WRITE_UNITS : READ_UNITS).add(capacity.capacityUnits());
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        // A refused conditional write is still a billed write (one unit at least): count it.
        count(attributes);
        if (FUNCTION.get() != null && "DynamoDB".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            (op.equals("GetItem") || op.equals("Query") ? READ_UNITS : WRITE_UNITS).add(1);
        }
    }

    private static void count(ExecutionAttributes attributes) {
        String function = FUNCTION.get();
        if (function == null) {
            return;
        }
        String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        CALLS.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    static void reset() {
        CALLS.clear();
        WRITE_UNITS.reset();
        READ_UNITS.reset();
        DYNAMODB_WITHOUT_CAPACITY.set(0);
        JOB_STARTS.clear();
    }

    /** Job starts (epoch ms), in order. */
    static java.util.List<Long> jobStarts() {
        return JOB_STARTS.stream().sorted().toList();
    }

    /** "Service:Operation" -> calls (and failed calls) since the last reset. */
    static Map<String, Long> calls() {
        Map<String, Long> copy = new TreeMap<>();
        CALLS.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    static double writeUnits() {
        return WRITE_UNITS.sum();
    }

    static double readUnits() {
        return READ_UNITS.sum();
    }

    /** DynamoDB answers that carried no consumed capacity (counted as one unit each). */
    static long withoutCapacity() {
        return DYNAMODB_WITHOUT_CAPACITY.get();
    }
}
