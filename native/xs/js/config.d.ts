/**
 * The build's defines (manifest.json "defines", overridden by `build-app.mjs --define NAME=VALUE`),
 * e.g. defines.DEVICE_KIND is "light" or "switch". config.js is generated into the app by
 * tools/xs/build-app.mjs.
 */
export declare const defines: Readonly<Record<string, string | number | boolean>>;
export default defines;
