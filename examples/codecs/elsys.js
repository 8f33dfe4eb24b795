// Elsys sensors (ERS, EMS, ELT...): a sequence of type-length-value records, from Elsys's
// published payload specification. Written for Valley's tests.
var TYPES = {
    0x01: ['temperature', 2], 0x02: ['humidity', 1], 0x03: ['acceleration', 3], 0x04: ['light', 2],
    0x05: ['motion', 1], 0x06: ['co2', 2], 0x07: ['vdd', 2], 0x08: ['analog1', 2], 0x09: ['gps', 6],
    0x0A: ['pulse1', 2], 0x0B: ['pulseAbs', 4], 0x0C: ['externalTemperature', 2], 0x0D: ['digital', 1],
    0x0E: ['distance', 2], 0x0F: ['accMotion', 1], 0x10: ['irTemperature', 4], 0x11: ['occupancy', 1],
    0x12: ['waterleak', 1], 0x14: ['pressure', 4], 0x15: ['sound', 2], 0x16: ['pulse2', 2],
    0x17: ['pulseAbs2', 4], 0x18: ['analog2', 2], 0x19: ['externalTemperature2', 2], 0x1C: ['tvoc', 2]
};

function s16(hi, lo) {
    var v = (hi << 8) | lo;
    return v > 0x7fff ? v - 0x10000 : v;
}

function s8(b) {
    return b > 0x7f ? b - 0x100 : b;
}

function decodeUplink(input) {
    var b = input.bytes, data = {}, i = 0;
    while (i < b.length) {
        var type = TYPES[b[i]];
        if (!type) {
            return { errors: ['unknown record type 0x' + b[i].toString(16) + ' at byte ' + i] };
        }
        var at = i + 1;
        if (at + type[1] > b.length) {
            return { errors: [type[0] + ' needs ' + type[1] + ' bytes at byte ' + at] };
        }
        switch (type[0]) {
            case 'temperature': case 'externalTemperature': case 'externalTemperature2':
                data[type[0]] = s16(b[at], b[at + 1]) / 10; break;
            case 'acceleration':
                data.x = s8(b[at]); data.y = s8(b[at + 1]); data.z = s8(b[at + 2]); break;
            case 'irTemperature':
                data.irInternalTemperature = s16(b[at], b[at + 1]) / 10;
                data.irExternalTemperature = s16(b[at + 2], b[at + 3]) / 10; break;
            case 'gps':
                data.lat = ((b[at] << 16) | (b[at + 1] << 8) | b[at + 2]);
                data.long = ((b[at + 3] << 16) | (b[at + 4] << 8) | b[at + 5]); break;
            case 'sound':
                data.soundPeak = b[at]; data.soundAvg = b[at + 1]; break;
            case 'pressure':
                data.pressure = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) / 1000; break;
            default:
                var v = 0;
                for (var k = 0; k < type[1]; k++) v = v * 256 + b[at + k];
                data[type[0]] = v;
        }
        i = at + type[1];
    }
    return { data: data };
}
