/** The app's arguments: those after `--` on xsrun's command line (none on a device). */
export declare function args(): string[];
/** Ends the run loop after the current job; the runtime exits with status (0..255). */
export declare function exit(status: number): void;
