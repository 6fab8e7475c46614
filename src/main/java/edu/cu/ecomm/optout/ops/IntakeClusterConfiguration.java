package edu.cu.ecomm.optout.ops;

import java.util.List;
import java.util.Locale;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Several instances on one database: the routes listed in {@code optout.cluster.routes} (intake, change-dispatch,
 * gap-requery, catch-up-requests and ascend-export-intake by default: each would otherwise run the same work once
 * per node) run on
 * one node at a time, the leader of the cluster namespace {@code optout.cluster.namespace}, elected by Camel's
 * cluster service: a file lock on a shared folder by default ({@code camel.cluster.file.*}), ZooKeeper
 * ({@code camel.cluster.zookeeper.*}) or Kubernetes leases ({@code camel.cluster.kubernetes.*}, with
 * camel-kubernetes-cluster-service-starter) by configuration. When the leader goes away the next leader starts
 * intake from the checkpoint stored at that moment ({@link IntakeStartingPoint}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "optout.cluster.enabled", havingValue = "true")
class IntakeClusterConfiguration {

    @Bean
    RoutePolicyFactory leaderOnlyRoutes(@Value("${optout.cluster.namespace:optout-intake}") String namespace,
                                        @Value("${optout.cluster.routes:contact-changes,change-dispatch,gap-requery,catch-up-requests,ascend-export-intake}") List<String> routeIds,
                                        @Value("${optout.cluster.service:file}") String serviceKind) {
        return new RoutePolicyFactory() {
            private ClusteredRoutePolicy policy;

            @Override
            public synchronized RoutePolicy createRoutePolicy(CamelContext camel, String routeId, NamedNode route) {
                if (!routeIds.contains(routeId)) {
                    return null;
                }
                if (policy == null) {
                    try {
                        policy = ClusteredRoutePolicy.forNamespace(clusterService(camel, serviceKind), namespace);
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot join the intake cluster: " + e.getMessage(), e);
                    }
                }
                return policy;
            }
        };
    }

    /**
     * The cluster service of the kind named by {@code optout.cluster.service}: file, zookeeper, kubernetes (matched
     * against the class name of the services Camel knows), or any (the one enabled service; Camel's default selector
     * picks none when several are enabled).
     */
    static CamelClusterService clusterService(CamelContext camel, String kind) {
        if ("any".equalsIgnoreCase(kind)) {
            return ClusterServiceHelper.lookupService(camel).orElseThrow(() -> new IllegalStateException(
                    "optout.cluster.enabled=true but no Camel cluster service is configured"));
        }
        String wanted = kind.toLowerCase(Locale.ROOT).replace("-", "");
        return camel.hasServices(CamelClusterService.class).stream()
                .filter(service -> service.getClass().getSimpleName().toLowerCase(Locale.ROOT).contains(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("optout.cluster.service=" + kind + " but no such Camel"
                        + " cluster service is enabled (camel.cluster." + wanted + ".enabled=true)"));
    }
}
