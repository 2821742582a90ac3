// The process around the app (native/xs/natives/sys_xs.c).
export function args() @ "xs_sys_args";
export function exit(status) @ "xs_sys_exit";
export function memory() @ "xs_sys_memory";
