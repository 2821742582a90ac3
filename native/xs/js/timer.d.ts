/** Timers on the XS runtime's run loop (native/xs/natives/timer_xs.c). Ids are positive integers. */
export declare function now(): number;
export declare function setTimeout(callback: () => void, ms: number): number;
export declare function setInterval(callback: () => void, ms: number): number;
export declare function clearTimeout(id: number | undefined): void;
export declare function clearInterval(id: number | undefined): void;
