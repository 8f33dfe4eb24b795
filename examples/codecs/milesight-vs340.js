// Milesight VS340/VS341 desk and seat occupancy sensors: channel id, channel type, value;
// from Milesight's published payload description. Written for Valley's tests.
function decodeUplink(input) {
    var b = input.bytes, data = {}, warnings = [];
    for (var i = 0; i < b.length;) {
        var channel = b[i], type = b[i + 1];
        if (channel === 0x01 && type === 0x75) {          // battery level, %
            data.battery = b[i + 2];
            i += 3;
        } else if (channel === 0x03 && type === 0x00) {   // occupancy: 0 vacant, 1 occupied
            data.occupancy = b[i + 2] === 1 ? 'occupied' : 'vacant';
            i += 3;
        } else if (channel === 0xff) {                    // device information: skip its value
            warnings.push('device information channel 0x' + type.toString(16) + ' skipped');
            i = b.length;
        } else {
            return { errors: ['unknown channel 0x' + channel.toString(16) + ' type 0x' + (type | 0).toString(16)] };
        }
    }
    return warnings.length ? { data: data, warnings: warnings } : { data: data };
}
