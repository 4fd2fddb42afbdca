package dev.vidmeta.testing;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.dynamodb.LocalDynamoDb;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local DynamoDB (dynalite, in memory) and a client of it, for one test class: started before its first test,
 * stopped after its last. Register it as {@code @RegisterExtension static final InMemoryDynamoDb DYNAMODB = new
 * InMemoryDynamoDb();} and use {@link #client()} from {@code @BeforeAll} on.
 */
public final class InMemoryDynamoDb implements BeforeAllCallback, AfterAllCallback {

    private LocalDynamoDb db;
    private DynamoDbClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        db = LocalDynamoDb.startInMemory();
        client = LocalAws.client(DynamoDbClient.builder(), db.endpoint());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        db.close();
    }

    public DynamoDbClient client() {
        return client;
    }
}
