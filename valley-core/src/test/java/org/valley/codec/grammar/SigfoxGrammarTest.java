package org.valley.codec.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.valley.codec.DecodeResult;
import org.valley.testing.Vectors;

class SigfoxGrammarTest {

    private static Map<String, Object> decode(String config, String hex) {
        DecodeResult result = SigfoxGrammar.parse(config).decode(Vectors.hex(hex), -1);
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        DecodeResult.Decoded decoded = (DecodeResult.Decoded) result;
        assertThat(decoded.warnings()).isEmpty();
        return decoded.data();
    }

    private static Object value(String config, String hex) {
        Map<String, Object> data = decode(config, hex);
        assertThat(data).hasSize(1);
        return data.values().iterator().next();
    }

    private static List<String> rejection(String config, String hex) {
        DecodeResult result = SigfoxGrammar.parse(config).decode(Vectors.hex(hex), -1);
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        return ((DecodeResult.Rejected) result).errors();
    }

    @Nested
    class Integers {

        @Test
        void decode_littleEndianUint16_reversesBytes() {
            assertThat(value("v::uint:16:little-endian", "3412")).isEqualTo(0x1234);
        }

        @Test
        void decode_littleEndianUint24_reversesBytes() {
            assertThat(value("v::uint:24:little-endian", "563412")).isEqualTo(0x123456);
        }

        @Test
        void decode_littleEndianUint32_isLong() {
            assertThat(value("v::uint:32:little-endian", "78563412")).isEqualTo(0x12345678L);
            assertThat(value("v::uint:32:little-endian", "FFFFFFFF")).isEqualTo(0xFFFFFFFFL);
        }

        @Test
        void decode_uint64AboveLongRange_isBigInteger() {
            assertThat(value("v::uint:64:little-endian", "FFFFFFFFFFFFFFFF"))
                    .isEqualTo(new BigInteger("18446744073709551615"));
            assertThat(value("v::uint:64", "8000000000000001"))
                    .isEqualTo(new BigInteger("9223372036854775809"));
        }

        @Test
        void decode_uint64WithinLongRange_isLong() {
            assertThat(value("v::uint:64:little-endian", "0100000000000000")).isEqualTo(1L);
            assertThat(value("v::uint:64", "7FFFFFFFFFFFFFFF")).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void decode_uintUpTo31Bits_isIntegerAndAbove_isLong() {
            assertThat(value("v::uint:31::6", "FFFFFFFF")).isEqualTo(0x7FFFFFFF);
            assertThat(value("v::uint:33::6", "FFFFFFFFFF")).isEqualTo(0x1FFFFFFFFL);
        }

        @Test
        void decode_negativeBigEndianInts_areSignExtended() {
            assertThat(value("v::int:8", "80")).isEqualTo(-128);
            assertThat(value("v::int:16", "FF38")).isEqualTo(-200);
            assertThat(value("v::int:32", "80000000")).isEqualTo(Integer.MIN_VALUE);
            assertThat(value("v::int:40", "FFFFFFFFFE")).isEqualTo(-2L);
        }

        @Test
        void decode_negativeLittleEndianInts_areSignExtended() {
            assertThat(value("v::int:16:little-endian", "FEFF")).isEqualTo(-2);
            assertThat(value("v::int:24:little-endian", "000080")).isEqualTo(-8388608);
            assertThat(value("v::int:32:little-endian", "FFFFFFFF")).isEqualTo(-1);
            assertThat(value("v::int:64:little-endian", "0000000000000080")).isEqualTo(Long.MIN_VALUE);
        }

        @Test
        void decode_positiveInt_isNotSignExtended() {
            assertThat(value("v::int:16:little-endian", "FF7F")).isEqualTo(32767);
        }

        @Test
        void decode_subByteInts_areSignExtendedFromTheirOwnTopBit() {
            Map<String, Object> data = decode("a::int:4 b:0:int:4::3 c:1:int:3::2", "8F04");
            assertThat(data).containsExactly(Map.entry("a", -8), Map.entry("b", -1), Map.entry("c", -4));
        }
    }

    @Nested
    class BitOffsets {

        @Test
        void decode_documentedPitfallFix_readsStatusFromLowNibbleOfByte1() {
            Map<String, Object> data = decode("Speed::uint:8 Direction::uint:4 Status:1:uint:4::3", "64A5");
            assertThat(data).containsExactly(
                    Map.entry("Speed", 100), Map.entry("Direction", 0xA), Map.entry("Status", 0x5));
        }

        @Test
        void decode_documentedPitfall_readsStatusFromTheNextByte() {
            Map<String, Object> data = decode("Speed::uint:8 Direction::uint:4 Status::uint:4", "64A530");
            assertThat(data).containsExactly(
                    Map.entry("Speed", 100), Map.entry("Direction", 0xA), Map.entry("Status", 0x3));
            assertThat(rejection("Speed::uint:8 Direction::uint:4 Status::uint:4", "64A5"))
                    .containsExactly("field 'Status' needs 1 byte at byte 2 (through byte 2) but the payload has 2 bytes");
        }

        @Test
        void decode_afterExplicitBitOffset_omittedIndexStaysOnTheSameByte() {
            Map<String, Object> data = decode("Direction::uint:4::7 Status::uint:4::3 Next:1:uint:8", "A5C3");
            assertThat(data).containsExactly(
                    Map.entry("Direction", 0xA), Map.entry("Status", 0x5), Map.entry("Next", 0xC3));
            // Status had an explicit offset, so an omitted index keeps the next field on byte 0
            assertThat(decode("Direction::uint:4::7 Status::uint:4::3 Again::uint:8", "A5C3"))
                    .containsEntry("Again", 0xA5);
        }

        @Test
        void decode_offsetFieldSpanningBytes_bigEndianReadsBitsInStreamOrder() {
            assertThat(value("x::uint:12::3", "0ABC")).isEqualTo(0xABC);
        }

        @Test
        void decode_offsetFieldSpanningBytes_littleEndianPutsFirstChunkLowest() {
            // chunks: 0xA (bits 3..0 of byte 0), then 0xBC (byte 1); little-endian: 0xBC << 4 | 0xA
            assertThat(value("x::uint:12:little-endian:3", "0ABC")).isEqualTo(0xBCA);
        }

        @Test
        void decode_littleEndianFieldWithinOneByte_readsLikeBigEndian() {
            assertThat(value("x::uint:5:little-endian:6", "5A")).isEqualTo(value("x::uint:5::6", "5A"));
        }

        @Test
        void decode_uint64AtOffset_coversNineBytes() {
            assertThat(value("x::uint:64::3", "0FFFFFFFFFFFFFFFF0")).isEqualTo(new BigInteger("FFFFFFFFFFFFFFFF", 16));
            assertThat(SigfoxGrammar.parse("x::uint:64::3").requiredLength()).isEqualTo(9);
        }
    }

    @Nested
    class OmittedByteIndex {

        @Test
        void decode_firstFieldWithoutIndex_startsAtByte0() {
            assertThat(value("a::uint:8", "2A")).isEqualTo(42);
        }

        @Test
        void decode_boolAfterField_staysOnThatFieldsLastByte() {
            assertThat(decode("a::uint:8 f::bool:0", "01")).containsEntry("f", true);
            assertThat(decode("a::uint:16 f::bool:0 g::bool:7", "8001")).containsEntry("f", true).containsEntry("g", false);
        }

        @Test
        void decode_fieldAfterBool_startsOnTheNextByte() {
            assertThat(decode("f::bool:7 n::uint:8", "8005")).containsExactly(Map.entry("f", true), Map.entry("n", 5));
        }

        @Test
        void decode_fieldAfterExplicitIndex_chainsFromIt() {
            assertThat(decode("a:2:uint:8 b::uint:8 c:0:uint:8", "01000709"))
                    .containsExactly(Map.entry("a", 7), Map.entry("b", 9), Map.entry("c", 1));
        }

        @Test
        void decode_fieldAfterChar_startsAfterTheText() {
            assertThat(decode("s::char:2 n::uint:8", "4F4B07")).containsExactly(Map.entry("s", "OK"), Map.entry("n", 7));
        }
    }

    @Nested
    class FloatsAndText {

        @ParameterizedTest(name = "{0} on {1} = {2}")
        @CsvSource({
            "v::float:32, 3FC00000, 1.5",
            "v::float:32:big-endian, C0100000, -2.25",
            "v::float:32:little-endian, 0000C03F, 1.5",
            "v::float:32:little-endian, CDCCCC3D, 0.1",
            "v::float:64, 3FF8000000000000, 1.5",
            "v::float:64:little-endian, 000000000000F83F, 1.5",
            "v::float:64:little-endian, 9A9999999999B93F, 0.1",
            "v::float:64, C002000000000000, -2.25",
        })
        void decode_floats_readIeee754InEitherOrder(String config, String hex, double expected) {
            assertThat(value(config, hex)).isEqualTo(expected);
        }

        @Test
        void decode_float32_readsAsShortestDecimalDouble() {
            assertThat(value("v::float:32", "3F8CCCCD")).isEqualTo(1.1); // 1.1f, not 1.100000023841858
            assertThat(value("v::float:32", "4B800000")).isEqualTo(16777216.0);
            assertThat(value("v::float:32", "7FC00000")).isEqualTo(Double.NaN);
            assertThat(value("v::float:32", "FF800000")).isEqualTo(Double.NEGATIVE_INFINITY);
        }

        @Test
        void decode_char_readsIso88591Text() {
            assertThat(value("s::char:4", "4361E97A")).isEqualTo("Caéz");
        }
    }

    @Nested
    class Payloads {

        @Test
        void decode_truncatedFrame_isRejectedNamingEachFieldPastTheEnd() {
            assertThat(rejection("a::uint:8 temp::int:16 b::bool:0", "01"))
                    .containsExactly(
                            "field 'temp' needs 2 bytes at byte 1 (through byte 2) but the payload has 1 byte",
                            "field 'b' needs 1 byte at byte 2 (through byte 2) but the payload has 1 byte");
        }

        @Test
        void decode_emptyPayload_isRejected() {
            assertThat(rejection("a::uint:8", ""))
                    .containsExactly("field 'a' needs 1 byte at byte 0 (through byte 0) but the payload has 0 bytes");
        }

        @Test
        void decode_nullPayload_isRejected() {
            assertThat(SigfoxGrammar.parse("a::uint:8").decode(null, -1)).isInstanceOf(DecodeResult.Rejected.class);
        }

        @Test
        void decode_twelveBytePayload_readsEveryField() {
            Map<String, Object> data = decode("a::uint:32 b::int:32:little-endian c::float:32", "00000001FEFFFFFF3FC00000");
            assertThat(data).containsExactly(Map.entry("a", 1L), Map.entry("b", -2), Map.entry("c", 1.5));
        }

        @Test
        void decode_longerPayload_ignoresTheExtraBytes() {
            assertThat(decode("a::uint:8", "2A0000")).containsExactly(Map.entry("a", 42));
        }

        @Test
        void decode_valuesComeInConfigOrder() {
            assertThat(decode("z:1:uint:8 a:0:uint:8 m::bool:0", "0102").keySet()).containsExactly("z", "a", "m");
        }

        @Test
        void parse_repeatedSpacesAndTabs_areTolerated() {
            assertThat(decode("  a::uint:8 \t\t  b::uint:8\t", "0102")).containsExactly(Map.entry("a", 1), Map.entry("b", 2));
        }

        @Test
        void parse_emptyEndiannessAndOffset_meanTheDefaults() {
            assertThat(decode("a::uint:16:: b::int:8:", "010203")).containsExactly(Map.entry("a", 0x0102), Map.entry("b", 3));
        }
    }

    @Nested
    class BadConfigs {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiterString = "=>", textBlock = """
            temp::uint:80                => field 'temp': uint length must be 1..64 bits, got 80
            temp::int:0                  => field 'temp': int length must be 1..64 bits, got 0
            a::uint:abc                  => field 'a': uint length must be a whole number 1..64 bits, got 'abc'
            a::uint:+8                   => field 'a': uint length must be a whole number 1..64 bits, got '+8'
            a::uint                      => field 'a': uint needs an argument (uint:N[:endianness[:bitOffset]])
            a::uint:8:big-endian:3:1     => field 'a': uint takes at most 3 arguments (uint:N[:endianness[:bitOffset]]), got 4
            a::uint:8:middle-endian      => field 'a': endianness must be big-endian or little-endian, got 'middle-endian'
            a::uint:4::8                 => field 'a': bit offset must be 0..7, got 8
            a::int:4:little-endian:x     => field 'a': bit offset must be a whole number 0..7, got 'x'
            a::uint:8 a::bool:1          => field 'a': duplicate field name
            a::double:64                 => field 'a': unknown type 'double' (expected bool, char, uint, int or float)
            a::bool:8                    => field 'a': bool bit must be 0..7, got 8
            a::bool:                     => field 'a': bool needs an argument (bool:B)
            a::bool:1:2                  => field 'a': bool takes at most 1 argument (bool:B), got 2
            a::char:0                    => field 'a': char length must be 1..256 bytes, got 0
            a::float:16                  => field 'a': float length must be 32 or 64 bits, got 16
            a::float:32:little-endian:7  => field 'a': float takes at most 2 arguments (float:32|64[:endianness]), got 3
            a:x:uint:8                   => field 'a': byte index must be a whole number 0..255, got 'x'
            a:-1:uint:8                  => field 'a': byte index must be a whole number 0..255, got '-1'
            a:256:uint:8                 => field 'a': byte index must be 0..255, got 256
            a:255:char:2                 => field 'a': ends at byte 256, past the 256-byte limit
            a:uint:8                     => field 'a': byte index must be a whole number 0..255, got 'uint' (write an omitted byte index as name::type)
            a:1                          => field 'a': expected name:byteIndex:type[:args], got 'a:1'
            ::uint:8                     => field #1: name is empty
            a!::uint:8                   => field 'a!': name may hold letters, digits, '_', '-' and '#', got '!'
            """)
        void parse_invalidConfig_throwsNamingFieldAndRule(String config, String message) {
            assertThatThrownBy(() -> SigfoxGrammar.parse(config)).isInstanceOf(GrammarException.class).hasMessage(message);
        }

        @Test
        void parse_blankConfig_isRejected() {
            assertThatThrownBy(() -> SigfoxGrammar.parse(" \t ")).isInstanceOf(GrammarException.class)
                    .hasMessage("config declares no fields");
            assertThatThrownBy(() -> SigfoxGrammar.parse(null)).isInstanceOf(GrammarException.class)
                    .hasMessage("config is null");
        }
    }
}
