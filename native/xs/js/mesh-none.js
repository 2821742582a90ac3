// native/xs/js/mesh on the nRF52840 and twin images: no mesh node yet. The node stack does not fit the device's
// RAM and flash budgets without the preloaded machine (issue 9); until then these images are provisioning-only.
export const runMeshNode = undefined;
