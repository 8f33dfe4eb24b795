// Valley's entry into a JavaScript codec's context (LoRa Alliance TS013 payload formatter contract).
// Evaluated before the codec's own source, so that the functions it keeps are the engine's
// originals whatever the codec later redefines; it returns the one function Java calls.
(function (global) {
    'use strict';
    var stringify = JSON.stringify;
    var parse = JSON.parse;
    var NativeDate = Date;

    function named(name) {
        var fn = global[name];
        if (typeof fn !== 'function') {
            throw new TypeError('the codec defines no function ' + name + '(input)');
        }
        return fn;
    }

    // op: 0 decodeUplink, 1 encodeDownlink, 2 decodeDownlink, 3 names of the defined functions.
    // bytesJson is the payload as a JSON array of integers: JSON.parse is one call into the engine's
    // own (compiled) code, where a loop over the bytes would be interpreted on a stock JDK.
    return function (op, bytesJson, fPort, recvTime, dataJson) {
        if (op === 3) {
            return ['decodeUplink', 'encodeDownlink', 'decodeDownlink']
                .filter(function (n) { return typeof global[n] === 'function'; }).join(',');
        }
        var result;
        if (op === 1) {
            result = named('encodeDownlink')({data: parse(dataJson)});
        } else {
            var input = {bytes: parse(bytesJson), fPort: fPort < 0 ? undefined : fPort, recvTime: new NativeDate(recvTime)};
            result = named(op === 0 ? 'decodeUplink' : 'decodeDownlink')(input);
        }
        var text = stringify(result);
        return text === undefined ? null : text;
    };
})(this)
