// Browan TBDW100 "Tabs" door and window sensor, port 100: decodeUplink from Browan's published frame
// format. encodeDownlink/decodeDownlink use a made-up keep-alive command to test those functions.
// Written for Valley's tests.
function decodeUplink(input) {
    if (input.fPort !== 100) {
        return { errors: ['unknown FPort'] };
    }
    var b = input.bytes;
    return {
        data: {
            status: b[0] & 0x01,
            battery: (25 + (b[1] & 0x0f)) / 10,
            temperatureBoard: (b[2] & 0x7f) - 32,
            time: b[3] | (b[4] << 8),
            count: b[5] | (b[6] << 8) | (b[7] << 16)
        }
    };
}

function encodeDownlink(input) {
    // Keep-alive interval in minutes: command 0x02 followed by a little-endian 16-bit value.
    var minutes = input.data.keepAliveMinutes;
    if (typeof minutes !== 'number' || minutes < 1 || minutes > 65535) {
        return { errors: ['keepAliveMinutes must be a number from 1 to 65535'] };
    }
    return { bytes: [0x02, minutes & 0xff, (minutes >> 8) & 0xff], fPort: 204 };
}

function decodeDownlink(input) {
    if (input.bytes[0] !== 0x02) {
        return { errors: ['unknown command'] };
    }
    return { data: { keepAliveMinutes: input.bytes[1] | (input.bytes[2] << 8) } };
}
