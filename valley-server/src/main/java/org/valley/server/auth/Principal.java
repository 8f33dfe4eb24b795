package org.valley.server.auth;

/**
 * Who a request acts as.
 *
 * @param role {@code operator}, {@code tenant} or {@code occupant}
 * @param tenant the tenant a tenant or occupant key belongs to; null for the operator
 */
public record Principal(String role, String tenant) {

    public static final Principal OPERATOR = new Principal("operator", null);

    public boolean isOperator() {
        return "operator".equals(role);
    }

    /** True when this principal may see and change what belongs to {@code owner}. */
    public boolean owns(String owner) {
        return isOperator() || (tenant != null && tenant.equals(owner) && "tenant".equals(role));
    }
}
