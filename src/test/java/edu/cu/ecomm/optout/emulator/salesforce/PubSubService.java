package edu.cu.ecomm.optout.emulator.salesforce;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;

import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.SchemaInfo;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import com.salesforce.eventbus.protobuf.TopicInfo;
import com.salesforce.eventbus.protobuf.TopicRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The {@code eventbus.v1.PubSub} service for the one topic the emulated org has, {@code /data/ContactChangeEvent}.
 * Publish is left unimplemented: change events are published by the org, never by subscribers.
 */
final class PubSubService extends PubSubGrpc.PubSubImplBase {

    static final String TOPIC = "/data/ContactChangeEvent";

    private final EventLog log;
    private final ContactChangeEventSchema schema;
    private final Faults faults;
    private final ScheduledExecutorService timer;
    private final Duration keepAliveInterval;
    private final Set<Subscription> active = ConcurrentHashMap.newKeySet();
    private final LongAdder delivered = new LongAdder();

    PubSubService(EventLog log, ContactChangeEventSchema schema, Faults faults, ScheduledExecutorService timer,
            Duration keepAliveInterval) {
        this.log = log;
        this.schema = schema;
        this.faults = faults;
        this.timer = timer;
        this.keepAliveInterval = keepAliveInterval;
    }

    @Override
    public void getTopic(TopicRequest request, StreamObserver<TopicInfo> response) {
        if (!TOPIC.equals(request.getTopicName())) {
            response.onError(PubSubErrors.topicNotFound(request.getTopicName()));
            return;
        }
        response.onNext(TopicInfo.newBuilder()
                .setTopicName(TOPIC)
                .setTenantGuid(CallAuthenticator.TENANT_ID.get())
                .setSchemaId(schema.id())
                .setCanSubscribe(true)
                .setCanPublish(false)
                .build());
        response.onCompleted();
    }

    @Override
    public void getSchema(SchemaRequest request, StreamObserver<SchemaInfo> response) {
        if (!schema.id().equals(request.getSchemaId())) {
            response.onError(PubSubErrors.schemaNotFound(request.getSchemaId()));
            return;
        }
        response.onNext(SchemaInfo.newBuilder().setSchemaId(schema.id()).setSchemaJson(schema.json()).build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<FetchRequest> subscribe(StreamObserver<FetchResponse> response) {
        Subscription subscription = new Subscription((ServerCallStreamObserver<FetchResponse>) response, log,
                TOPIC, schema.id(), faults, timer, keepAliveInterval, delivered, active::remove);
        active.add(subscription);
        return subscription;
    }

    /** Streams past their first request, so a test that sees one counted knows LATEST has been fixed. */
    int activeSubscriptions() {
        return (int) active.stream().filter(Subscription::subscribed).count();
    }

    /** Events sent to subscribers since start, over every stream (an event sent to two streams counts twice). */
    long deliveredCount() {
        return delivered.sum();
    }

    void abortAll(StatusRuntimeException error) {
        List.copyOf(active).forEach(subscription -> subscription.abort(error));
    }
}
