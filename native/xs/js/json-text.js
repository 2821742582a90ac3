// The JSON text of the event lines the device entries print (device-start.js, provisioner-start.js): what JSON.stringify
// writes for their values (strings, finite numbers, booleans, null, arrays and plain objects of those; a property
// whose value is undefined or a function left out, as JSON.stringify leaves it), so the images need not carry the
// engine's JSON.stringify (about 3.8 KB of flash; docs/firmware.md "Boot"). Not for values with toJSON, cycles or
// non-finite numbers beyond null's.

// a string's JSON (ECMA-262 QuoteJSONString: the short escapes, other controls and lone surrogates as \uXXXX)
function quote(s) {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped;
    if (c === 0x22) escaped = '\\"';
    else if (c === 0x5c) escaped = "\\\\";
    else if (c >= 0x20 && (c < 0xd800 || c > 0xdfff)) continue;
    else if (c === 0x08) escaped = "\\b";
    else if (c === 0x09) escaped = "\\t";
    else if (c === 0x0a) escaped = "\\n";
    else if (c === 0x0c) escaped = "\\f";
    else if (c === 0x0d) escaped = "\\r";
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      i++; // a pair: as it is
      continue;
    } else escaped = "\\u" + (c + 0x10000).toString(16).slice(1);
    out += s.slice(from, i) + escaped;
    from = i + 1;
  }
  return '"' + out + s.slice(from) + '"';
}

/** The JSON text of `value`, as JSON.stringify(value) writes it (undefined for undefined or a function). */
export function jsonText(value) {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      let out = "";
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) out += (i ? "," : "") + (jsonText(value[i]) ?? "null");
        return "[" + out + "]";
      }
      for (const key of Object.keys(value)) {
        const text = jsonText(value[key]);
        if (text !== undefined) out += (out ? "," : "") + quote(key) + ":" + text;
      }
      return "{" + out + "}";
    }
    default:
      return undefined;
  }
}
