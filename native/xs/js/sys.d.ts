/** The app's arguments: those after `--` on xsrun's command line (none on a device). */
export declare function args(): string[];
/** Ends the run loop after the current job; the runtime exits with status (0..255). */
export declare function exit(status: number): void;
/** The engine's memory counters: chunk bytes and slots (slotSize bytes each) in use now and at most so far. */
export declare function memory(): { chunks: { current: number; peak: number }; slots: { current: number; peak: number }; slotSize: number };
