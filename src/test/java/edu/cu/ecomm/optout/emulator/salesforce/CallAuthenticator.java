package edu.cu.ecomm.optout.emulator.salesforce;

import com.salesforce.eventbus.protobuf.PubSubGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

/**
 * Admits a call only with the metadata Salesforce requires — {@code accesstoken}, {@code instanceurl} and
 * {@code tenantid} — and a token the OAuth side issued for that tenant. Also where an outage or an armed auth
 * failure of the next Subscribe turns a call away, since both happen before any message is read.
 */
final class CallAuthenticator implements ServerInterceptor {

    /** The org id of the authenticated caller, for replies that name the tenant. */
    static final Context.Key<String> TENANT_ID = Context.key("tenantid");

    private static final Metadata.Key<String> ACCESS_TOKEN = key("accesstoken");
    private static final Metadata.Key<String> INSTANCE_URL = key("instanceurl");
    private static final Metadata.Key<String> TENANT = key("tenantid");

    private final IssuedTokens tokens;
    private final Faults faults;

    CallAuthenticator(IssuedTokens tokens, Faults faults) {
        this.tokens = tokens;
        this.faults = faults;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!faults.available()) {
            return refuse(call, PubSubErrors.unavailable());
        }
        String accessToken = headers.get(ACCESS_TOKEN);
        String tenantId = headers.get(TENANT);
        boolean complete = present(accessToken) && present(tenantId) && present(headers.get(INSTANCE_URL));
        if (!complete || !tokens.isValid(accessToken, tenantId) || armedAuthErrorApplies(call)) {
            return refuse(call, PubSubErrors.authError());
        }
        return Contexts.interceptCall(Context.current().withValue(TENANT_ID, tenantId), call, headers, next);
    }

    private boolean armedAuthErrorApplies(ServerCall<?, ?> call) {
        boolean subscribe = PubSubGrpc.getSubscribeMethod().getFullMethodName()
                .equals(call.getMethodDescriptor().getFullMethodName());
        return subscribe && faults.takeAuthError();
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException error) {
        call.close(error.getStatus(), error.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
