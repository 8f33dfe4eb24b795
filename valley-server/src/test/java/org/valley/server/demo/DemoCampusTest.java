package org.valley.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.valley.codec.BuiltinCodecs;
import org.valley.codec.Codec;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
import org.valley.frame.Hex;
import org.valley.js.JsRuntime;
import org.valley.server.codecs.SelfTest;
import org.valley.space.Role;
import org.valley.space.SpaceKind;
import org.valley.space.occupancy.Observation;
import org.valley.space.site.Site;
import org.valley.space.site.SiteParser;
import org.valley.space.site.Space;

/**
 * The demo campus shipped in {@code examples/sites}: the site is a valid site document, and every
 * device is bound to a space of it with a role its codec's output can be read with.
 */
class DemoCampusTest {

    static final Path SITES = Path.of("..", "examples", "sites");
    static final ObjectMapper JSON = new ObjectMapper();

    static JsRuntime js;
    static Map<String, Codec> codecs = new HashMap<>();
    static JsonNode devicesFile;

    /**
     * One frame per codec and role, in the mode that role reads: a Sens'it v3 door frame (open) and
     * temperature frame, Elsys records of motion (count 2) and CO2 (420 ppm), a Milesight VS340
     * occupancy frame and a Browan TBDW100 status frame.
     */
    static final Map<String, String> SAMPLE = Map.of(
            "sensit/door", "B61B0007",
            "sensit/temperature", "B6096050",
            "elsys/motion", "0502",
            "elsys/co2", "0601A4",
            "milesight-vs340/desk", "017564030001",
            "milesight-vs340/seat", "017564030001",
            "browan-tbdw100/door", "00CB3500008A3A00");
    static final Map<String, Integer> PORT = Map.of("milesight-vs340", 85, "browan-tbdw100", 100);

    @BeforeAll
    static void compileCodecs() throws Exception {
        js = new JsRuntime();
        CodecCatalog catalog = new CodecCatalog(Map.of(JsRuntime.KIND, js));
        devicesFile = JSON.readTree(SITES.resolve("iot-valley-devices.json").toFile());
        for (JsonNode c : devicesFile.get("codecs")) {
            String id = c.get("id").asText();
            String kind = c.get("kind").asText();
            String body = kind.equals("builtin") ? c.get("builtin").asText()
                    : Files.readString(SITES.resolve(c.get("sourceFile").asText()));
            codecs.put(id, catalog.compile(new CodecDefinition(id, null, kind, body, 1, null)));
        }
    }

    @AfterAll
    static void closeRuntime() {
        codecs.values().forEach(Codec::close);
        js.close();
    }

    static Site site() throws Exception {
        Map<String, Object> doc = JSON.readValue(SITES.resolve("iot-valley.json").toFile(),
                new TypeReference<Map<String, Object>>() {});
        return SiteParser.parse("iot-valley", "iot-valley", doc);
    }

    @Test
    void site_isAValidSiteDocument_ofALivingLabBuilding() throws Exception {
        Site site = site();

        assertThat(site.timezone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(site.openingHours().days()).doesNotContain(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        assertThat(site.noShowGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(site.holdOffs()).containsOnlyKeys(SpaceKind.values());
        assertThat(site.buildings()).hasSize(1);
        assertThat(site.buildings().get(0).floors()).extracting(f -> f.level()).containsExactly(0, 1, 2);
        List<Space> all = site.placements().stream().map(Site.Placement::space).toList();
        List<Space> rooms = all.stream().filter(s -> s.kind() == SpaceKind.MEETING_ROOM).toList();
        assertThat(rooms).hasSizeBetween(10, 14).allSatisfy(r -> {
            assertThat(r.capacity()).isBetween(4, 16);
            assertThat(r.equipment()).isNotEmpty().isSubsetOf("screen", "video", "whiteboard");
        });
        assertThat(all).filteredOn(s -> s.kind() == SpaceKind.NAP_ROOM).singleElement()
                .satisfies(nap -> assertThat(nap.places()).hasSize(8)
                        .allSatisfy(p -> assertThat(p.kind()).isEqualTo(SpaceKind.NAP_POD)));
        assertThat(all).filteredOn(s -> s.kind() == SpaceKind.DESK).hasSizeBetween(75, 85);
        assertThat(all).filteredOn(s -> s.kind() == SpaceKind.PHONE_BOOTH).isNotEmpty();
        assertThat(all).filteredOn(s -> s.kind() == SpaceKind.ENTRANCE).hasSize(1);
    }

    @Test
    void devices_areBoundToSpacesOfTheSite_withValidRolesAndUniqueIds() throws Exception {
        Set<String> spaces = new HashSet<>();
        site().placements().forEach(p -> spaces.add(p.space().id()));
        Set<String> codecIds = new HashSet<>();
        devicesFile.get("codecs").forEach(c -> codecIds.add(c.get("id").asText()));
        Set<String> ids = new HashSet<>();
        Set<String> networkIds = new HashSet<>();
        Pattern sigfox = Pattern.compile("[0-9A-F]{6,8}");
        Pattern devEui = Pattern.compile("[0-9A-F]{16}");

        JsonNode devices = devicesFile.get("devices");
        assertThat(devices.size()).isGreaterThan(100);
        for (JsonNode d : devices) {
            String id = d.get("id").asText();
            assertThat(SiteParser.ID.matcher(id).matches()).as("id of %s", id).isTrue();
            assertThat(ids.add(id)).as("device id %s is unique", id).isTrue();
            String kind = d.at("/network/kind").asText();
            String networkId = d.at("/network/id").asText();
            assertThat(networkIds.add(networkId.toUpperCase())).as("network id of %s is unique", id).isTrue();
            switch (kind) {
                case "sigfox" -> assertThat(networkId).as("Sigfox id of %s", id).matches(sigfox);
                case "lorawan" -> assertThat(networkId).as("devEUI of %s", id).matches(devEui);
                case "mqtt", "http" -> assertThat(d.has("codec")).as("%s sends decoded values", id).isFalse();
                default -> throw new AssertionError(id + ": unknown network kind " + kind);
            }
            assertThat(spaces).as("space of %s", id).contains(d.get("space").asText());
            assertThat(Role.of(d.get("role").asText())).as("role of %s", id).isNotNull();
            if (d.has("codec")) {
                assertThat(codecIds).as("codec of %s", id).contains(d.get("codec").asText());
            }
        }
    }

    @Test
    void codecs_existAndPassTheirExamples() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (JsonNode c : devicesFile.get("codecs")) {
            switch (c.get("kind").asText()) {
                case "builtin" -> assertThat(BuiltinCodecs.byName(c.get("builtin").asText())).isPresent();
                case "javascript" -> {
                    assertThat(SITES.resolve(c.get("sourceFile").asText())).isRegularFile();
                    Path examples = SITES.resolve(c.get("examplesFile").asText());
                    assertThat(examples).isRegularFile();
                    var outcomes = SelfTest.run(codecs.get(c.get("id").asText()),
                            SelfTest.fromCodecFile(yaml.readTree(examples.toFile()), "examplesFile"));
                    assertThat(outcomes).isNotEmpty().allMatch(SelfTest.Outcome::passed);
                }
                default -> throw new AssertionError("unexpected codec kind in " + c);
            }
        }
    }

    /** The key each device's role reads (its roleKey or the role's default) is in its codec's output. */
    @Test
    void everyRole_readsAValueFromItsCodecsOutput() {
        for (JsonNode d : devicesFile.get("devices")) {
            String id = d.get("id").asText();
            Role role = Role.of(d.get("role").asText());
            String roleKey = d.has("roleKey") ? d.get("roleKey").asText() : null;
            Map<String, Object> data;
            if (d.has("codec")) {
                String codec = d.get("codec").asText();
                String sample = SAMPLE.get(codec + "/" + role.jsonName());
                assertThat(sample).as("a sample frame of %s for role %s", codec, role.jsonName()).isNotNull();
                DecodeResult r = codecs.get(codec).decode(Hex.decode(sample), PORT.getOrDefault(codec, 1));
                assertThat(r).as("%s decodes its sample", id).isInstanceOf(DecodeResult.Decoded.class);
                data = ((DecodeResult.Decoded) r).data();
            } else {
                data = Map.of("in", 3, "out", 1); // what the people counter publishes
            }
            if (role == Role.TEMPERATURE) {
                assertThat(Observation.lookup(data, roleKey == null ? role.defaultKey() : roleKey)).as(id).isNotNull();
                continue;
            }
            Observation o = Observation.read(role, roleKey, id, 1, 0, k -> Observation.lookup(data, k));
            assertThat(Double.isNaN(o.a()) && Double.isNaN(o.b())).as("%s (%s, key %s) reads nothing from %s", id,
                    role.jsonName(), roleKey, data).isFalse();
        }
    }
}
