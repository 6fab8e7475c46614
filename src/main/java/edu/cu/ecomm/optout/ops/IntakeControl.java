package edu.cu.ecomm.optout.ops;

import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The intake route as an operator sees and steers it on this node: its status, whether this node leads intake
 * in a cluster, whether the Salesforce subscription is connected, and pause / resume.
 *
 * <p>Pause stops the route (the gRPC stream closes; nothing is lost, Salesforce keeps the events 72 hours);
 * resume starts it again from the checkpoint stored at that moment (see {@link IntakeStartingPoint}). In a
 * cluster a pause holds on the leader; if the leader goes away the next leader starts intake again.
 */
@Component("intakeControl")
public class IntakeControl {

    public static final String ROUTE_ID = "contact-changes";
    private static final Logger LOG = LoggerFactory.getLogger(IntakeControl.class);

    private final CamelContext camel;

    public IntakeControl(CamelContext camel) {
        this.camel = camel;
    }

    /** Camel's status of the intake route here: Started, Stopped, Suspended… ("Absent" without the route). */
    public String routeStatus() {
        ServiceStatus status = camel.getRouteController().getRouteStatus(ROUTE_ID);
        return status == null ? "Absent" : status.name();
    }

    public boolean isRunning() {
        ServiceStatus status = camel.getRouteController().getRouteStatus(ROUTE_ID);
        return status != null && status.isStarted();
    }

    /** Whether this node holds an open subscription to Salesforce right now. */
    public PubSubConnection.State connection() {
        Route route = camel.getRoute(ROUTE_ID);
        if (route == null || !isRunning()) {
            return PubSubConnection.State.DISCONNECTED;
        }
        return PubSubConnection.of(route.getConsumer());
    }

    public boolean isConnected() {
        return connection() == PubSubConnection.State.CONNECTED;
    }

    /** True when intake is clustered here (a cluster route policy is on the route). */
    public boolean isClustered() {
        return clusterPolicy().isPresent();
    }

    /** True when this node runs intake: the cluster leader, or the only node when intake is not clustered. */
    public boolean isLeader() {
        return clusterPolicy().map(ClusteredRoutePolicy::isLeader).orElse(true);
    }

    /** This node's role for intake: "single" (no cluster), "leader" or "standby". */
    public String role() {
        return clusterPolicy().map(policy -> policy.isLeader() ? "leader" : "standby").orElse("single");
    }

    /** Stops the intake route on this node. */
    public String pause() {
        String status = routeStatus();
        if (!stopForRestart()) {
            return "Intake is not running on this node (" + status + ")";
        }
        LOG.warn("Intake paused by an admin");
        return "Intake paused";
    }

    /** Starts the intake route again, from the checkpoint stored now; on a standby node it does nothing. */
    public String resume() {
        if (isRunning()) {
            return "Intake is already running";
        }
        if (!isLeader()) {
            return "This node is a standby; intake runs on the cluster leader";
        }
        startAfterRestart();
        LOG.warn("Intake resumed by an admin");
        return "Intake resumed from the stored checkpoint";
    }

    /** Stops intake on this node so that it can start again from the stored checkpoint; true if it was running. */
    public boolean stopForRestart() {
        if (!isRunning()) {
            return false;
        }
        try {
            camel.getRouteController().stopRoute(ROUTE_ID);
        } catch (Exception e) {
            throw new IllegalStateException("could not stop intake: " + e.getMessage(), e);
        }
        return true;
    }

    /** Starts intake again from the checkpoint stored now; a standby node leaves intake to the leader. */
    public void startAfterRestart() {
        if (isRunning() || !isLeader()) {
            return;
        }
        try {
            camel.getRouteController().startRoute(ROUTE_ID);
        } catch (Exception e) {
            throw new IllegalStateException("could not start intake: " + e.getMessage(), e);
        }
    }

    private Optional<ClusteredRoutePolicy> clusterPolicy() {
        Route route = camel.getRoute(ROUTE_ID);
        if (route == null) {
            return Optional.empty();
        }
        return route.getRoutePolicyList().stream().filter(ClusteredRoutePolicy.class::isInstance)
                .map(ClusteredRoutePolicy.class::cast).findFirst();
    }
}
