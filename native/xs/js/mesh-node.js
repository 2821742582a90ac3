// native/xs/js/mesh on the XS host runtime: the device application runs the product's mesh node once provisioned.
export { runMeshNode } from "../../../modules/app/node-runner.js";
