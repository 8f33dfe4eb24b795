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

    // The payload as one character per byte (code 0-255): a loop the optimizing engine compiles,
    // about three times cheaper than parsing the same bytes written as JSON.
    function fromLatin1(text) {
        var n = text.length, bytes = new Array(n);
        for (var i = 0; i < n; i++) {
            bytes[i] = text.charCodeAt(i);
        }
        return bytes;
    }

    // op: 0 decodeUplink, 1 encodeDownlink, 2 decodeDownlink, 3 names of the defined functions.
    // bytes is the payload as Latin-1 text when latin1 is true, else as a JSON array of integers:
    // JSON.parse is one call into the engine's own code, where the loop above would be interpreted on a
    // stock JDK, without the Graal compiler.
    return function (op, bytes, fPort, recvTime, dataJson, latin1) {
        if (op === 3) {
            return ['decodeUplink', 'encodeDownlink', 'decodeDownlink']
                .filter(function (n) { return typeof global[n] === 'function'; }).join(',');
        }
        var result;
        if (op === 1) {
            result = named('encodeDownlink')({data: parse(dataJson)});
        } else {
            var input = {bytes: latin1 ? fromLatin1(bytes) : parse(bytes), fPort: fPort < 0 ? undefined : fPort, recvTime: new NativeDate(recvTime)};
            result = named(op === 0 ? 'decodeUplink' : 'decodeDownlink')(input);
        }
        var text = stringify(result);
        return text === undefined ? null : text;
    };
})(this)
