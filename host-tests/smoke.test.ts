import { test } from "node:test";
import assert from "node:assert/strict";
import { AD_TYPE } from "../modules/platform.js";

test("platform constants", () => {
  assert.equal(AD_TYPE.PB_ADV, 0x29);
});
