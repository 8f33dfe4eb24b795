package org.valley.server.auth;

/**
 * Who a request acts as.
 *
 * @param role {@code operator}, {@code tenant} or {@code occupant}
 * @param tenant the tenant a tenant or occupant key belongs to; null for the operator
 * @param keyId a stable, non-secret id of the key (a prefix of its hash); {@code operator} for the operator
 */
public record Principal(String role, String tenant, String keyId) {

    public static final Principal OPERATOR = new Principal("operator", null, "operator");

    public Principal(String role, String tenant) {
        this(role, tenant, null);
    }

    public boolean isOperator() {
        return "operator".equals(role);
    }

    /** True when this principal may see and change what belongs to {@code owner}. */
    public boolean owns(String owner) {
        return isOperator() || (tenant != null && tenant.equals(owner) && "tenant".equals(role));
    }
}
