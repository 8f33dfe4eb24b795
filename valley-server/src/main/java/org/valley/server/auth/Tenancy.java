package org.valley.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.valley.server.http.Problem;
import org.valley.store.Catalog;
import org.valley.store.Catalog.ApiKey;
import org.valley.store.Catalog.Integration;
import org.valley.store.Catalog.Tenant;

/**
 * Tenants, their API keys and their integrations, with the checks of who may do what. Every device
 * and integration belongs to a tenant; a tenant key sees and changes only its own; the operator
 * sees all.
 */
public final class Tenancy {

    /** Integration kinds: networks and clients that call Valley, and bridges Valley runs. */
    public static final Set<String> INTEGRATION_KINDS = Set.of("sigfox", "ttn", "chirpstack", "http", "mqtt", "mqtt-bridge");

    /** What runs integrations that need more than a key (bridges): their settings, their start and stop. */
    public interface IntegrationHooks {
        /**
         * The settings of a new integration of {@code kind}, read from the request's body and kept as
         * JSON text, or null when the kind has none.
         *
         * @throws Problem naming the field when the body is not valid for the kind
         */
        String settings(String kind, JsonNode body);

        /** The integration was made (and stored). */
        void created(Integration integration);

        /** The integration was deleted. */
        void deleted(Integration integration);
    }

    private static final IntegrationHooks NO_HOOKS = new IntegrationHooks() {
        @Override
        public String settings(String kind, JsonNode body) {
            return null;
        }

        @Override
        public void created(Integration integration) {}

        @Override
        public void deleted(Integration integration) {}
    };
    private static final Set<String> KEY_ROLES = Set.of("tenant", "occupant");

    /** A newly made integration with its key, shown once. */
    public record NewIntegration(Integration integration, String key) {}

    private final Catalog catalog;
    private final InstantSource clock;
    private final String adminKeyHash;
    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    private final Map<String, Integration> integrations = new ConcurrentHashMap<>();
    private final Map<String, Integration> integrationsByKey = new ConcurrentHashMap<>();
    /**
     * Integrations by the plain key of a callback that named them: hashing the key of every callback
     * cost about as much as parsing it. Holds only keys that matched, so no more entries than
     * integrations; emptied whenever an integration changes.
     */
    private final Map<String, Integration> integrationsByPlainKey = new ConcurrentHashMap<>();
    private volatile IntegrationHooks hooks = NO_HOOKS;

    public Tenancy(Catalog catalog, InstantSource clock, String adminKey) {
        this.catalog = catalog;
        this.clock = clock;
        this.adminKeyHash = Keys.hash(adminKey);
        catalog.tenants().forEach(t -> tenants.put(t.id(), t));
        catalog.keys().forEach(k -> keys.put(k.hash(), k));
        catalog.integrations().forEach(this::index);
    }

    /** Sets what runs bridges; wired after the node's parts that bridges need exist. */
    public void hooks(IntegrationHooks value) {
        this.hooks = value;
    }

    private void index(Integration i) {
        integrations.put(i.id(), i);
        integrationsByKey.put(i.keyHash(), i);
        integrationsByPlainKey.clear();
    }

    /** The principal of a bearer key, or null when the key is unknown. */
    public Principal principal(String key) {
        if (key == null) {
            return null;
        }
        String hash = Keys.hash(key);
        if (hash.equals(adminKeyHash)) {
            return Principal.OPERATOR;
        }
        ApiKey k = keys.get(hash);
        return k == null ? null : new Principal(k.role(), k.tenant(), "key-" + k.hash().substring(0, 16));
    }

    /** The integration a network authenticates as with {@code key}, or null. */
    public Integration integrationByKey(String key) {
        if (key == null) {
            return null;
        }
        Integration known = integrationsByPlainKey.get(key);
        if (known != null) {
            return known;
        }
        Integration i = integrationsByKey.get(Keys.hash(key));
        if (i != null) {
            integrationsByPlainKey.put(key, i);
            // a change or deletion that emptied the map between the two lines above must not leave i behind
            if (integrations.get(i.id()) != i) {
                integrationsByPlainKey.remove(key, i);
            }
        }
        return i;
    }

    public Tenant createTenant(Principal who, String id, String name) {
        requireOperator(who, "create tenants");
        Tenant tenant = new Tenant(id, name == null ? id : name, clock.instant());
        synchronized (this) {
            if (tenants.containsKey(id)) {
                throw Problem.conflict("id", "tenant '" + id + "' already exists");
            }
            catalog.putTenant(tenant);
            tenants.put(id, tenant);
        }
        return tenant;
    }

    public List<Tenant> tenants(Principal who) {
        return tenants.values().stream()
                .filter(t -> who.isOperator() || t.id().equals(who.tenant()))
                .sorted(Comparator.comparing(Tenant::id))
                .toList();
    }

    public Tenant tenant(Principal who, String id) {
        Tenant t = tenants.get(id);
        if (t == null || !(who.isOperator() || id.equals(who.tenant()))) {
            throw Problem.notFound("no tenant '" + id + "'");
        }
        return t;
    }

    /** Makes a key for a tenant; the operator for any tenant, a tenant key for its own. */
    public String createKey(Principal who, String tenantId, String role) {
        tenant(who, tenantId);
        if (!who.owns(tenantId)) {
            throw Problem.forbidden("only the operator or the tenant itself may make keys for tenant '" + tenantId + "'");
        }
        if (!KEY_ROLES.contains(role)) {
            throw Problem.invalid("role", "field 'role' must be one of " + KEY_ROLES + ", got '" + role + "'");
        }
        String key = Keys.generate("vk");
        ApiKey record = new ApiKey(Keys.hash(key), tenantId, role, clock.instant());
        catalog.putKey(record);
        keys.put(record.hash(), record);
        return key;
    }

    /** The tenant a request acts for: the given one for the operator, the key's own otherwise. */
    public String actingTenant(Principal who, String requested) {
        if (who.isOperator()) {
            if (requested == null) {
                throw Problem.invalid("tenant", "field 'tenant' is required when the operator acts");
            }
            if (!tenants.containsKey(requested)) {
                throw Problem.invalid("tenant", "field 'tenant' names no tenant: '" + requested + "'");
            }
            return requested;
        }
        if (!"tenant".equals(who.role())) {
            throw Problem.forbidden("an " + who.role() + " key may not change anything here");
        }
        if (requested != null && !requested.equals(who.tenant())) {
            throw Problem.forbidden("a tenant key acts only for its own tenant '" + who.tenant() + "'");
        }
        return who.tenant();
    }

    /** Makes an integration; {@code body} is the request (a bridge's settings are read from it). */
    public NewIntegration createIntegration(Principal who, String kind, String tenantRequested, JsonNode body) {
        if (kind == null || !INTEGRATION_KINDS.contains(kind)) {
            throw Problem.invalid("kind", "field 'kind' must be one of " + INTEGRATION_KINDS + ", got '" + kind + "'");
        }
        String tenant = actingTenant(who, tenantRequested);
        String settings = hooks.settings(kind, body);
        String key = Keys.generate("vi");
        String id = kind + "-" + Keys.generate("i").substring(2, 12).toLowerCase(java.util.Locale.ROOT).replace('_', 'x');
        Integration integration = new Integration(id, tenant, kind, Keys.hash(key), clock.instant(), settings);
        catalog.putIntegration(integration);
        index(integration);
        hooks.created(integration);
        return new NewIntegration(integration, key);
    }

    public List<Integration> integrations(Principal who) {
        return integrations.values().stream()
                .filter(i -> who.isOperator() || i.tenant().equals(who.tenant()))
                .sorted(Comparator.comparing(Integration::id))
                .toList();
    }

    public Integration integration(Principal who, String id) {
        Integration i = integrations.get(id);
        if (i == null || !(who.isOperator() || i.tenant().equals(who.tenant()))) {
            throw Problem.notFound("no integration '" + id + "'");
        }
        return i;
    }

    public void deleteIntegration(Principal who, String id) {
        Integration i = integration(who, id);
        if (!who.owns(i.tenant())) {
            throw Problem.forbidden("only the operator or its tenant may delete integration '" + id + "'");
        }
        catalog.deleteIntegration(id);
        integrations.remove(id);
        integrationsByKey.remove(i.keyHash());
        integrationsByPlainKey.clear();
        hooks.deleted(i);
    }

    /** Every integration of every tenant (for what runs bridges at start-up). */
    public List<Integration> allIntegrations() {
        return List.copyOf(integrations.values());
    }

    private static void requireOperator(Principal who, String what) {
        if (!who.isOperator()) {
            throw Problem.forbidden("only the operator may " + what);
        }
    }
}
