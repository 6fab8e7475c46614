package edu.cu.ecomm.optout.emulator.salesforce;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.ProducerEvent;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One Subscribe stream. The first {@link FetchRequest} names the topic and where to start; every request adds
 * {@code num_requested} credits, capped at {@value #MAX_OUTSTANDING} outstanding as Salesforce caps them. Events
 * go out while credits last, and an idle stream gets an empty keep-alive response.
 *
 * <p>{@code latest_replay_id} is the replay id of the last event this stream delivered (or of its starting
 * point), never the topic's newest: camel resubscribes from it after an error, so pointing past undelivered
 * events would lose them.
 *
 * <p>Requests, appends to the log and the keep-alive timer arrive on different threads; the monitor serialises
 * them because a gRPC response stream must not be written concurrently.
 */
final class Subscription implements StreamObserver<FetchRequest> {

    static final int MAX_OUTSTANDING = 100;

    private final ServerCallStreamObserver<FetchResponse> responses;
    private final EventLog log;
    private final String topic;
    private final String schemaId;
    private final Faults faults;
    private final LongAdder delivered;
    private final Consumer<Subscription> onEnd;
    private final Runnable deliverOnAppend = this::deliver;
    private final String rpcId = UUID.randomUUID().toString();
    private final ScheduledExecutorService timer;
    private final Duration keepAliveInterval;

    private boolean started;
    private boolean ended;
    private long position;
    private int credits;
    private boolean sentSinceLastTick;
    private ScheduledFuture<?> keepAlive;

    Subscription(ServerCallStreamObserver<FetchResponse> responses, EventLog log, String topic, String schemaId,
            Faults faults, ScheduledExecutorService timer, Duration keepAliveInterval, LongAdder delivered,
            Consumer<Subscription> onEnd) {
        this.responses = responses;
        this.log = log;
        this.topic = topic;
        this.schemaId = schemaId;
        this.faults = faults;
        this.timer = timer;
        this.keepAliveInterval = keepAliveInterval;
        this.delivered = delivered;
        this.onEnd = onEnd;
        responses.setOnCancelHandler(this::end);
    }

    @Override
    public synchronized void onNext(FetchRequest request) {
        if (ended) {
            return;
        }
        if (!started && !start(request)) {
            return;
        }
        credits = Math.min(MAX_OUTSTANDING, credits + Math.max(0, request.getNumRequested()));
        deliver();
    }

    @Override
    public void onError(Throwable clientError) {
        end();
    }

    @Override
    public synchronized void onCompleted() {
        if (!ended) {
            responses.onCompleted();
        }
        end();
    }

    /** Subscribed: the first request named a known topic and a valid starting point, and the stream is open. */
    synchronized boolean subscribed() {
        return started && !ended;
    }

    /** Ends the stream from the server side, e.g. for an outage. */
    synchronized void abort(StatusRuntimeException error) {
        if (!ended) {
            responses.onError(error);
        }
        end();
    }

    private boolean start(FetchRequest request) {
        if (!topic.equals(request.getTopicName())) {
            abort(PubSubErrors.topicNotFound(request.getTopicName()));
            return false;
        }
        if (faults.takeCorruptedReplayId()) {
            abort(PubSubErrors.corruptedReplayId());
            return false;
        }
        switch (request.getReplayPreset()) {
            case EARLIEST -> position = log.earliestPosition();
            case CUSTOM -> {
                OptionalLong resume = log.resumePosition(request.getReplayId());
                if (resume.isEmpty()) {
                    abort(PubSubErrors.corruptedReplayId());
                    return false;
                }
                position = resume.getAsLong();
            }
            // The proto's default: no preset means the tip of the stream.
            default -> position = log.latestSequence();
        }
        started = true;
        log.addListener(deliverOnAppend);
        long intervalMillis = keepAliveInterval.toMillis();
        keepAlive = timer.scheduleWithFixedDelay(this::keepAliveTick, intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
        return true;
    }

    private synchronized void deliver() {
        while (started && !ended && credits > 0) {
            List<EventLog.Event> batch = log.after(position, credits);
            if (batch.isEmpty()) {
                return;
            }
            FetchResponse.Builder response = FetchResponse.newBuilder();
            for (EventLog.Event event : batch) {
                response.addEvents(consumerEvent(event));
            }
            position = batch.get(batch.size() - 1).sequence();
            credits -= batch.size();
            send(response);
            delivered.add(batch.size());
        }
    }

    private synchronized void keepAliveTick() {
        if (!ended && !sentSinceLastTick) {
            send(FetchResponse.newBuilder());
        }
        sentSinceLastTick = false;
    }

    private void send(FetchResponse.Builder response) {
        responses.onNext(response
                .setLatestReplayId(EventLog.replayId(position))
                .setRpcId(rpcId)
                .setPendingNumRequested(credits)
                .build());
        sentSinceLastTick = true;
    }

    private ConsumerEvent consumerEvent(EventLog.Event event) {
        return ConsumerEvent.newBuilder()
                .setReplayId(event.replayId())
                .setEvent(ProducerEvent.newBuilder()
                        .setId(event.eventId())
                        .setSchemaId(schemaId)
                        .setPayload(ByteString.copyFrom(event.payload())))
                .build();
    }

    private synchronized void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        log.removeListener(deliverOnAppend);
        onEnd.accept(this);
    }
}
