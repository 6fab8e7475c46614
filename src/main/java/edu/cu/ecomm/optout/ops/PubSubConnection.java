package edu.cu.ecomm.optout.ops;

import java.lang.reflect.Field;
import java.util.Map;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.apache.camel.Consumer;
import org.apache.camel.component.salesforce.PubSubApiConsumer;

/**
 * Whether a running Pub/Sub consumer holds an open subscription: its gRPC channel is READY and a stream is
 * open. camel-salesforce 4.17 keeps both private, so they are read by reflection; when that fails the answer
 * is "unknown" rather than a guess.
 */
final class PubSubConnection {

    enum State { CONNECTED, DISCONNECTED, UNKNOWN }

    private PubSubConnection() {
    }

    static State of(Consumer consumer) {
        if (!(consumer instanceof PubSubApiConsumer pubSub) || !pubSub.isStarted()) {
            return State.DISCONNECTED;
        }
        try {
            Object client = read(PubSubApiConsumer.class, pubSub, "pubSubClient");
            if (client == null) {
                return State.DISCONNECTED;
            }
            ManagedChannel channel = (ManagedChannel) read(client.getClass(), client, "channel");
            Map<?, ?> streams = (Map<?, ?>) read(client.getClass(), client, "observerMap");
            if (channel == null || channel.isShutdown()) {
                return State.DISCONNECTED;
            }
            return channel.getState(false) == ConnectivityState.READY && !streams.isEmpty()
                    ? State.CONNECTED : State.DISCONNECTED;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return State.UNKNOWN;
        }
    }

    private static Object read(Class<?> type, Object target, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }
}
